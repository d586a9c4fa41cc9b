"""A realistic desk, deterministic from a seed: organisations with departments, agents, reply addresses,
accounts, contacts, contracts and weeks of ticket history (threads, comments, time entries, tasks).

Everything comes from `random.Random` streams derived from the seed and from `anchor` (the clock's now at
seeding unless given): ticket creation is spread over the HISTORY before the anchor, and nothing is dated after
it. Same seed and anchor, same desk: ids, numbers, texts and times.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sandbox.clock import format_time
from sandbox.records import (
    agent_author,
    mention,
    new_account,
    new_agent,
    new_attachment,
    new_comment,
    new_contact,
    new_contract,
    new_department,
    new_mail_reply_address,
    new_organization_profile,
    new_task,
    new_time_entry,
)
from sandbox.records.catalogue import seed_catalogue
from sandbox.state import Desk, Org, Record
from sandbox.story import (
    AGENT_LINES,
    STATUS_WEIGHTS,
    active_agents,
    agent_reply,
    customer_reply,
    open_ticket,
    pick_department,
    weighted,
)

ORG_ID_START = 2389290
ID_BASE, ID_BASE_STEP = 1_892_000_000_000_000, 10**12
HISTORY = timedelta(days=42)
ORG_PROFILES = (  # companyName, organizationName (the portal), edition, phone; further orgs are numbered
    ("Zylker Corp", "zylkercorp", "Professional", "9884358080"),
    ("Zylker Tech", "zylkertech", "Enterprise", "9884358081"),
)
DEPARTMENTS, OPTIONAL_DEPARTMENT = ("Support", "Tier 2", "Billing"), "Sales"
ROLES = (("CEO", "Administrator"), ("Manager", "Support Manager"), ("Agent", "Agent"))
AGENT_NAMES = (
    ("Jade", "Tywin"),
    ("Lucas", "Carol"),
    ("Steve", "Waugh"),
    ("Priya", "Raman"),
    ("Omar", "Haddad"),
    ("Mei", "Chen"),
    ("Sofia", "Rossi"),
    ("Kwame", "Mensah"),
    ("Anna", "Novak"),
    ("Diego", "Alvarez"),
    ("Hana", "Sato"),
    ("Liam", "Byrne"),
    ("Chloe", "Martin"),
    ("Ravi", "Iyer"),
    ("Eva", "Lindqvist"),
)
AGENTS_PER_ORG = 10
ACCOUNT_NAMES = (
    "Zylker",
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark Industries",
    "Wayne Enterprises",
    "Hooli",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Wonka Industries",
    "Vandelay Industries",
    "Aperture Science",
    "Massive Dynamic",
    "Oscorp",
    "Dunder Mifflin",
    "Pied Piper",
    "Gekko & Co",
    "Sirius Cybernetics",
)
VIP_ACCOUNTS = ("Zylker", "Acme")  # names the example rules test; each gets several contacts
INDUSTRIES = ("Automation", "Retail", "Manufacturing", "Software", "Logistics", "Finance")
CITIES = (("Austin", "USA"), ("Chennai", "India"), ("Berlin", "Germany"), ("Leeds", "UK"), ("Osaka", "Japan"))
FIRST_NAMES = (
    "Jennifer",
    "Jonathan",
    "Hugh",
    "Christ",
    "Henry",
    "Maria",
    "Ahmed",
    "Yuki",
    "Olga",
    "Pedro",
    "Grace",
    "Tom",
    "Nadia",
    "Ben",
    "Laura",
    "Kofi",
    "Ines",
    "Raj",
    "Sara",
    "Ivan",
)
LAST_NAMES = (
    "Lawrence",
    "Casie",
    "Jack",
    "Jade",
    "Stephen",
    "Garcia",
    "Khan",
    "Tanaka",
    "Petrova",
    "Silva",
    "Hopper",
    "Baker",
    "Aziz",
    "Okafor",
    "Moreau",
    "Nkemelu",
    "Costa",
    "Patel",
    "Berg",
    "Volkov",
)
CONTACTS_PER_ORG, CONTACTS_WITHOUT_ACCOUNT, CONTACTS_PER_VIP = 60, 5, 5
DUE_AFTER = {
    "Urgent": timedelta(hours=4),
    "High": timedelta(hours=8),
    "Medium": timedelta(days=1),
    "Low": timedelta(days=3),
}
UNASSIGNED_SHARE, DISABLED_ASSIGNEE_SHARE = 0.25, 0.02  # of Open tickets / of assigned tickets
COMMENT_SHARE, MENTION_SHARE, TIME_ENTRY_SHARE, TASK_SHARE, ATTACHMENT_SHARE = 0.3, 0.4, 0.25, 0.04, 0.04
REPLY_GAP = (timedelta(minutes=10), timedelta(hours=30))


@dataclass(frozen=True)
class SeedInfo:
    org_ids: list[str]
    anchor: datetime
    seed: int
    tickets_per_org: int


def seed_desk(desk: Desk, *, seed: int, orgs: int = 2, tickets: int = 200, anchor: datetime | None = None) -> SeedInfo:
    """Add `orgs` organisations of `tickets` tickets each to the desk (after any it already serves)."""
    anchor = anchor or desk.clock.now().replace(microsecond=0)
    org_ids = []
    for index in range(len(desk.orgs), len(desk.orgs) + orgs):
        org = _new_org(desk, index)
        _Seeder(org, random.Random(f"{seed}:{index}"), anchor).run(tickets)
        org_ids.append(org.id)
    return SeedInfo(org_ids=org_ids, anchor=anchor, seed=seed, tickets_per_org=tickets)


def _new_org(desk: Desk, index: int) -> Org:
    org_id = str(ORG_ID_START + index)
    company, portal, edition, phone = (
        ORG_PROFILES[index] if index < len(ORG_PROFILES) else (f"Zylker {index}", f"zylker{index}", "Standard", None)
    )
    profile = new_organization_profile(
        id=org_id, companyName=company, organizationName=portal, phoneNumber=phone, isDefault=index == 0
    )
    org = Org(
        id=org_id,
        profile=profile,
        clock=desk.clock,
        id_base=ID_BASE + index * ID_BASE_STEP,
        edition=edition,
        portal=portal,
    )
    desk.orgs[org_id] = org
    return org


class _Seeder:
    """Writes one organisation: its set-up first, then its tickets oldest first (so numbers follow time)."""

    def __init__(self, org: Org, rng: random.Random, anchor: datetime) -> None:
        self.org, self.rng, self.anchor = org, rng, anchor

    def run(self, tickets: int) -> None:
        self.departments = self._departments()
        self.agents = self._agents()
        self._reply_addresses()
        self.contacts = self._customers()
        self._contracts()
        self.active = {dept_id: active_agents(self.org, dept_id) for dept_id in self.org.departments}
        seconds = HISTORY.total_seconds()
        for start in sorted(self.anchor - timedelta(seconds=self.rng.uniform(60, seconds)) for _ in range(tickets)):
            self._ticket(start)
        self._teams_and_layouts()  # last: earlier records keep the ids they had before teams existed
        seed_catalogue(self.org, self.anchor)  # after that, drawing nothing: roles, products, calls, articles...

    def _before_history(self) -> datetime:
        return self.anchor - HISTORY - timedelta(days=self.rng.uniform(1, 400))

    # set-up ------------------------------------------------------------------------------------
    def _departments(self) -> list[Record]:
        names = DEPARTMENTS + ((OPTIONAL_DEPARTMENT,) if self.rng.random() < 0.5 else ())
        departments = [
            new_department(self.org, name=name, isDefault=i == 0, description=f"{name} department")
            for i, name in enumerate(names)
        ]
        self.org.departments.update((d["id"], d) for d in departments)
        return departments

    def _agents(self) -> list[Record]:
        """The first agent is the admin in every department; the others have a home department (round robin)
        and sometimes a second one; exactly one of them is DISABLED."""
        org, rng, dept_ids = self.org, self.rng, [d["id"] for d in self.departments]
        roles = [(org.new_id(), role, org.new_id(), profile) for role, profile in ROLES]
        disabled = rng.randrange(1, AGENTS_PER_ORG)
        zuids = rng.sample(range(10_000_000, 99_999_999), AGENTS_PER_ORG)
        agents = []
        for i, (first, last) in enumerate(rng.sample(AGENT_NAMES, AGENTS_PER_ORG)):
            home = dept_ids if i == 0 else [dept_ids[(i - 1) % len(dept_ids)]]
            if i and rng.random() < 0.3:
                home = home + [d for d in [rng.choice(dept_ids)] if d not in home]
            role_id, role, profile_id, profile = roles[0 if i == 0 else (1 if i < 3 else 2)]
            agent = new_agent(
                org,
                firstName=first,
                lastName=last,
                emailId=f"{first}.{last}@{org.portal}.com".lower(),
                zuid=str(zuids[i]),
                associatedDepartmentIds=home,
                status="DISABLED" if i == disabled else "ACTIVE",
                roleId=role_id,
                roleName=role,
                profileId=profile_id,
                profileName=profile,
                extn=str(3200 + i),
                phone=f"+1 555 01{i:02d}",
            )
            org.agents[agent["id"]] = agent
            agents.append(agent)
        for department in self.departments:
            department["creatorId"] = agents[0]["id"]
            department["associatedAgentIds"] = [
                agent["id"] for agent in agents if department["id"] in agent["associatedDepartmentIds"]
            ]
        return agents

    def _reply_addresses(self) -> None:
        """One active address per department, plus one retired (inactive) address."""
        org = self.org
        for department in self.departments:
            local = department["name"].lower().replace(" ", "")
            address = new_mail_reply_address(
                org,
                address=f"{local}@{org.portal}.zohodesk.com",
                departmentId=department["id"],
                displayName=department["name"],
            )
            org.mail_reply_addresses[address["id"]] = address
        retired = new_mail_reply_address(
            org,
            address=f"helpdesk@{org.portal}.zohodesk.com",
            departmentId=self.departments[0]["id"],
            displayName="Help Desk",
            isActive=False,
        )
        org.mail_reply_addresses[retired["id"]] = retired

    def _teams_and_layouts(self) -> None:
        """Each department has one team (its first three agents) and one ticket layout, kept on its record."""
        org = self.org
        for department in self.departments:
            name, dept_id = department["name"], department["id"]
            members = list(department["associatedAgentIds"][:3])
            department["_teams"] = [
                {
                    "id": org.new_id(),
                    "name": f"{name} Team",
                    "description": f"{name} agents",
                    "departmentId": dept_id,
                    "roles": [],
                    "rolesWithSubordinates": [],
                    "subTeams": [],
                    "agents": members,
                    "derivedAgents": list(members),
                    "logoUrl": None,
                }
            ]
            made = format_time(self.anchor - HISTORY)  # before every ticket; no draw, so the stream is unchanged
            department["_layout"] = {  # the vendor's values: module "Cases" for tickets, status "active"
                "id": org.new_id(),
                "layoutName": f"{name} Layout",
                "layoutDisplayName": f"{name} Layout",
                "layoutDesc": f"Ticket layout of {name}",
                "module": "Cases",
                "departmentId": dept_id,
                "isDefaultLayout": True,
                "status": "active",
                "createdBy": department["creatorId"],
                "createdTime": made,
                "modifiedBy": department["creatorId"],
                "modifiedTime": made,
            }

    def _customers(self) -> list[Record]:
        org, rng = self.org, self.rng
        accounts = []
        for name in ACCOUNT_NAMES:
            slug = name.lower().replace(" ", "").replace("&", "")
            city, country = rng.choice(CITIES)
            account = new_account(
                org,
                accountName=name,
                website=f"www.{slug}.com",
                email=f"info@{slug}.com",
                city=city,
                country=country,
                industry=rng.choice(INDUSTRIES),
                phone=f"+1 555 2{rng.randrange(10**6):06d}",
                ownerId=rng.choice(self.agents)["id"],
                at=self._before_history(),
            )
            org.accounts[account["id"]] = account
            accounts.append(account)
        vips = [a for a in accounts if a["accountName"] in VIP_ACCOUNTS]
        homes: list[Record | None] = [vip for vip in vips for _ in range(CONTACTS_PER_VIP)]
        homes += [None] * CONTACTS_WITHOUT_ACCOUNT
        homes += [rng.choice(accounts) for _ in range(CONTACTS_PER_ORG - len(homes))]
        names = rng.sample(list(itertools.product(FIRST_NAMES, LAST_NAMES)), CONTACTS_PER_ORG)
        contacts = []
        for (first, last), home in zip(names, homes, strict=True):
            domain = home["website"].removeprefix("www.") if home else "example.com"
            contact = new_contact(
                org,
                firstName=first,
                lastName=last,
                email=f"{first}.{last}@{domain}".lower(),
                phone=f"+1 555 3{rng.randrange(10**6):06d}",
                accountId=home["id"] if home else None,
                ownerId=rng.choice(self.agents)["id"],
                type=rng.choice((None, "paid", "trial")),
                at=self._before_history(),
            )
            org.contacts[contact["id"]] = contact
            contacts.append(contact)
        for account in accounts:
            count = sum(1 for c in contacts if c["accountId"] == account["id"])
            account["customFields"]["contactCount"] = str(count)
        return contacts

    def _contracts(self) -> None:
        org, rng = self.org, self.rng
        support = self.departments[0]["id"]
        for account in [a for a in org.accounts.values() if a["accountName"] in VIP_ACCOUNTS + ("Globex",)]:
            start = (self.anchor - timedelta(days=rng.randrange(60, 500))).date()
            contract = new_contract(
                org,
                contractName=f"Premium Support for {account['accountName']}",
                accountId=account["id"],
                departmentId=support,
                startDate=start.isoformat(),
                endDate=(start + timedelta(days=365)).isoformat(),
                ownerId=self.agents[0]["id"],
                createdBy=self.agents[0]["id"],
                associatedSLAId=org.new_id(),
                notifyBefore=15,
                notificationAgentIds=[self.agents[0]["id"]],
                at=self._before_history(),
            )
            org.contracts[contract["id"]] = contract

    # tickets -----------------------------------------------------------------------------------
    def _ticket(self, start: datetime) -> None:
        org, rng = self.org, self.rng
        status = weighted(rng, STATUS_WEIGHTS)
        department = pick_department(org, rng)
        assignee = None
        if status != "Open" or rng.random() >= UNASSIGNED_SHARE:
            assignee = self._assignee(department["id"])
        ticket = open_ticket(
            org, rng, at=start, contact=rng.choice(self.contacts), department=department, assignee=assignee
        )
        ticket["dueDate"] = format_time(start + DUE_AFTER[ticket["priority"]])
        moments = [start]
        if assignee is not None:
            moments += self._conversation(ticket, assignee, start, closing=status in ("Closed", "On Hold"))
        if status != "Open":
            org.set_status(ticket, status)
        if status == "Closed":
            ticket["closedTime"] = format_time(self._later(moments[-1], timedelta(hours=2)))
        if assignee is not None:
            moments += self._extras(ticket, department["id"], assignee, start, moments[-1])
        ticket["modifiedTime"] = max([ticket["closedTime"] or ""] + [format_time(m) for m in moments])
        org.add_ticket(ticket)

    def _assignee(self, department_id: str) -> Record:
        disabled = [
            agent
            for agent in self.agents
            if agent["status"] == "DISABLED" and department_id in agent["associatedDepartmentIds"]
        ]
        if disabled and self.rng.random() < DISABLED_ASSIGNEE_SHARE:
            return disabled[0]  # an agent who has since left still owns a few old tickets
        return self.rng.choice(self.active[department_id])

    def _later(self, moment: datetime, most: timedelta) -> datetime:
        return min(self.anchor, moment + timedelta(seconds=self.rng.uniform(60, most.total_seconds())))

    def _conversation(self, ticket: Record, assignee: Record, start: datetime, *, closing: bool) -> list[datetime]:
        """Up to five replies after the first message, agent and customer taking turns (a customer sometimes
        writes twice); a ticket that ends Closed or On Hold ends with the agent's reply."""
        org, rng, moments, moment = self.org, self.rng, [], start
        agent = assignee if assignee["status"] == "ACTIVE" else rng.choice(self.active[ticket["departmentId"]])
        agent_next, agent_last, replies = True, False, rng.randint(1 if closing else 0, 5)
        low, high = (gap.total_seconds() for gap in REPLY_GAP)
        for number in range(replies):
            moment = moment + timedelta(seconds=rng.uniform(low, high))
            if moment >= self.anchor:
                break
            last = number == replies - 1
            if agent_next or (closing and last):
                content = AGENT_LINES[-1] if closing and last else None
                agent_reply(org, ticket, agent, rng, at=moment, touch=False, content=content)
                agent_next, agent_last = False, True
            else:
                customer_reply(org, ticket, rng, at=moment, touch=False)
                agent_next, agent_last = rng.random() < 0.8, False
            moments.append(moment)
        if closing and not agent_last:  # ran into the anchor: the agent answers at once, then closes or holds
            moments.append(self._later(moments[-1] if moments else start, timedelta(minutes=5)))
            agent_reply(org, ticket, agent, rng, at=moments[-1], touch=False, content=AGENT_LINES[-1])
        return moments

    def _extras(self, ticket: Record, dept_id: str, assignee: Record, start: datetime, end: datetime) -> list[datetime]:
        """Comments (some @mentioning a colleague), time entries, a task and an attachment, now and then."""
        org, rng, moments = self.org, self.rng, []
        colleagues = self.active[dept_id]

        def moment() -> datetime:
            picked = start + (end - start) * rng.random()
            moments.append(picked)
            return picked

        if rng.random() < COMMENT_SHARE:
            for _ in range(rng.randint(1, 2)):
                author = rng.choice(colleagues)
                other = rng.choice([a for a in self.active[dept_id] if a is not author] or colleagues)
                text = "Customer is waiting on a fix, checking logs."
                if rng.random() < MENTION_SHARE:
                    text = f"{mention(other)} can you take a look at this one?"
                org.add_child(
                    "comments",
                    ticket["id"],
                    new_comment(
                        org,
                        ticket["id"],
                        content=text,
                        commenterId=author["id"],
                        commenter=agent_author(author),
                        isPublic=rng.random() < 0.2,
                        at=moment(),
                    ),
                )
        if rng.random() < TIME_ENTRY_SHARE:
            worked = moment()
            org.add_child(
                "timeEntries",
                ticket["id"],
                new_time_entry(
                    org,
                    creatorId=assignee["id"],
                    ownerId=assignee["id"],
                    hoursSpent=rng.randint(0, 2),
                    minutesSpent=rng.randrange(0, 60, 5),
                    executedTime=format_time(worked),
                    agentCostPerHour=rng.choice((None, 25, 40)),
                    additionalCost=rng.choice((None, None, 10)),
                    description="Investigation and reply",
                    requestChargeType="Customer Service",
                    at=worked,
                ),
            )
        if rng.random() < TASK_SHARE:
            created = moment()
            org.add_child(
                "tasks",
                ticket["id"],
                new_task(
                    org,
                    subject=f"Follow up on #{ticket['ticketNumber']}",
                    departmentId=dept_id,
                    creatorId=assignee["id"],
                    ticketId=ticket["id"],
                    ownerId=assignee["id"],
                    dueDate=format_time(created + timedelta(days=2)),
                    priority=rng.choice(("Normal", "High")),
                    status=rng.choice(("Not Started", "In Progress", "Completed")),
                    at=created,
                ),
            )
        if rng.random() < ATTACHMENT_SHARE:
            org.add_child(
                "attachments",
                ticket["id"],
                new_attachment(
                    org,
                    "tickets",
                    ticket["id"],
                    name="screenshot.txt",
                    creatorId=assignee["id"],
                    content=b"error 500 at checkout\n",
                    at=moment(),
                ),
            )
        return moments

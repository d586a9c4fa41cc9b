"""The seed's request examples, read from tests/fixtures/seed_examples.json, and how to replay them.

The fixture is extracted from the Desk API reference (desk-api-v1.zh.txt) by tests/fixtures/extract_seed_examples.py,
whose docstring says how the reference is read; the reference itself is not needed here. An example's shown answer
is a status, or the shape of the JSON the reference shows: its keys and nesting, with only the values this module
reads (a create's `id`, `hasAttach`, an upload's `name`, a list item's `module`, `direction`, `channel`).

Comparing: an answer has the example's shape when its field set holds the example's, and any other field is one
the vendor's response schemas declare (`vendor_field_names`: the fields the real service always sends) -- top-level
keys; for {"data": [...]} the first item's keys; nested objects' and nested lists' first items' keys where the
example shows them -- see `shape_differences`.

Replaying: `Replayer` swaps host, token, orgId and the example's ids for the sandbox's, finding or making records of
the kind the example shows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import httpx

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "seed_examples.json"
VENDOR_SCHEMAS = FIXTURE.with_name("vendor_schemas.json")
MASKED_EMAIL = "[email\u00a0protected]"  # how the saved page shows every address it masked


@dataclass(frozen=True)
class Shown:
    """What the reference shows as the answer: a JSON body's shape, or only a status, or nothing at all."""

    body: Any = None
    status: int | None = None

    @property
    def kind(self) -> str:
        if self.body is not None:
            return "json"
        return "status" if self.status is not None else "none"

    @property
    def text(self) -> str:
        return json.dumps(self.body, ensure_ascii=False) if self.body is not None else str(self.status or "")


@dataclass(frozen=True)
class Example:
    line: int  # 1-based line of the `$ curl` (or accounts URL) line in the reference
    method: str
    path: str  # below /api/v1 (curl) or the accounts server's path
    query: tuple[tuple[str, str], ...]
    headers: tuple[str, ...]  # the names of the headers the example sends
    body: Any
    shown: Shown
    kind: str = "curl"  # "curl" or "accounts"

    @property
    def test_id(self) -> str:
        return f"L{self.line}-{self.method}-{self.path}"


@dataclass(frozen=True)
class Seed:
    brand: str  # the placeholder the vendor's brand was replaced by in the reference (hosts, addresses, one key)
    deprecated_endpoint_lines: tuple[int, ...]  # lines naming the deprecated authtoken endpoint: a bare URL
    examples: tuple[Example, ...]


@cache
def load_seed(path: Path = FIXTURE) -> Seed:
    seed = json.loads(path.read_text(encoding="utf-8"))
    examples = tuple(
        Example(
            each["line"],
            each["method"],
            each["path"],
            tuple((name, value) for name, value in each["query"]),
            tuple(each["headers"]),
            each["body"],
            Shown(each["shown"]["shape"], each["shown"]["status"]),
            each["kind"],
        )
        for each in seed["examples"]
    )
    return Seed(seed["brand"], tuple(seed["deprecated_endpoint_lines"]), examples)


def brand_placeholder() -> str:
    return load_seed().brand


# comparing shapes ------------------------------------------------------------------------------------------
DYNAMIC_OBJECTS = frozenset({"customFields"})  # the org's layout: its names are data, not the resource's shape
ABSENT_WHEN_EMPTY = frozenset({"attachments"})  # the seed omits it on records without one (see shape_differences)


@cache
def vendor_field_names() -> frozenset[str]:
    """Every property name the vendor's response schemas (tests/fixtures/vendor_schemas.json) declare. A record
    may show such a field beyond its example: the seed's fields are a subset of what the real service sends."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(VENDOR_SCHEMAS.read_text(encoding="utf-8"))["operations"])
    return frozenset(names)


def key_aliases() -> dict[str, str]:
    """Keys the brand swap renamed: the contact's CRM link is the Desk's `zohoCRMContact`."""
    return {f"{brand_placeholder()}Contact": "zohoCRMContact"}


def expected_keys(shown: dict[str, Any]) -> set[str]:
    aliases = key_aliases()
    return {aliases.get(key, key) for key in shown}


def _aliased(shown: dict[str, Any]) -> dict[str, Any]:
    aliases = key_aliases()
    return {aliases.get(key, key): value for key, value in shown.items()}


def _record_differences(shown: dict[str, Any], actual: dict[str, Any], where: str) -> list[str]:
    """Key-set differences of one record, then of its nested objects (and nested lists' first items)."""
    shown = _aliased(shown)
    problems: list[str] = []
    missing = set(shown) - set(actual)
    # The seed omits `attachments` on a record without any (the draft-update example with hasAttach false, the
    # second item of the comments list): an answer may too, when it has none to show.
    missing -= {key for key in ABSENT_WHEN_EMPTY if not actual.get("hasAttach")}
    extra = set(actual) - set(shown) - vendor_field_names()
    if missing:
        problems.append(f"{where or '.'}: missing {sorted(missing)}")
    if extra:
        problems.append(f"{where or '.'}: extra {sorted(extra)}")
    for key in sorted(set(shown) & set(actual) - DYNAMIC_OBJECTS):
        example, answer = shown[key], actual[key]
        if isinstance(example, dict) and example and isinstance(answer, dict):
            problems += _record_differences(example, answer, f"{where}.{key}")
        elif (
            isinstance(example, list)
            and example
            and isinstance(example[0], dict)
            and isinstance(answer, list)
            and answer
            and isinstance(answer[0], dict)
        ):
            problems += _record_differences(example[0], answer[0], f"{where}.{key}[0]")
    return problems


def item_shapes(shown_items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The distinct shapes (by key set) of a list example's items, in order."""
    seen: dict[frozenset[str], dict[str, Any]] = {}
    for item in shown_items:
        seen.setdefault(frozenset(expected_keys(item)), item)
    return list(seen.values())


def counterparts(shown_items: list[dict[str, Any]], item: dict[str, Any]) -> list[dict[str, Any]]:
    """The example's items of the same sort as `item`: search results of its module, threads of its direction
    and (EMAIL or not) channel; all of them when none is of its sort or the items have no sort."""
    if "module" in item:
        same = [shown for shown in shown_items if shown.get("module") == item["module"]]
    elif "direction" in item and "channel" in item:

        def sort(record: dict[str, Any]) -> tuple[Any, bool]:
            return record.get("direction"), record.get("channel") == "EMAIL"

        same = [shown for shown in shown_items if sort(shown) == sort(item)]
    else:
        same = []
    return same or shown_items


def shape_differences(shown: Any, actual: Any) -> list[str]:
    """How `actual` departs from the example's field set; [] when it has the same shape.

    A list answer is judged by its first item. Where the example's items differ in shape (threads by channel
    and direction, search results by module, comments with and without attachments, the tickets example whose
    first item lacks the statusType its others show) the first item must have the shape of one of the items of
    its sort (see `counterparts`): the closest one is reported.
    """
    if not isinstance(actual, dict):
        return [f"the answer is not a JSON object: {actual!r:.200}"]
    if not (isinstance(shown.get("data"), list) and shown["data"]):
        return _record_differences(shown, actual, "")
    problems = []
    if set(actual) != set(shown):
        problems.append(f".: keys {sorted(actual)} where the example has {sorted(shown)}")
    items = actual.get("data")
    if not (isinstance(items, list) and items and isinstance(items[0], dict)):
        return problems + [f".data: no items to compare: {items!r:.200}"]
    shapes = item_shapes(counterparts(shown["data"], items[0]))
    candidates = [_record_differences(shape, items[0], "data[0]") for shape in shapes]
    return problems + min(candidates, key=len)


# replaying ---------------------------------------------------------------------------------------------------
MENTION = re.compile(r"zsu\[@user:(\d+)\]zsu")
FILE_PARENTS = {"tickets": "ticket", "contacts": "contact", "accounts": "account", "tasks": "task"}
PARENT_COLLECTIONS = {kind: collection for collection, kind in FILE_PARENTS.items()}
# The kind of record an id names, from the path segment before it (attachments: from their parent's kind).
SEGMENT_KINDS = {
    "organizations": "org",
    "tickets": "ticket",
    "threads": "thread",
    "draftReply": "draft",
    "comments": "comment",
    "timeEntry": "time_entry",
    "contacts": "contact",
    "accounts": "account",
    "tasks": "task",
    "agents": "agent",
    "departments": "department",
    "contracts": "contract",
    "uploads": "upload",
}
# The kind of record a body field (or a query parameter) names.
FIELD_KINDS = {
    "contactId": "contact",
    "departmentId": "department",
    "assigneeId": "agent",
    "ownerId": "agent",
    "accountId": "account",
    "ticketId": "ticket",
    "ids": "ticket",
    "attachmentIds": "upload",
}
# The kind of record a POST to a collection makes: its doc id in the shown answer then names that record. Not
# draftReply: the draft the PATCH example edits shows no attachment, while the one the POST example made has one.
CREATED_KINDS = {
    "tickets": "ticket",
    "comments": "comment",
    "timeEntry": "time_entry",
    "contacts": "contact",
    "accounts": "account",
    "tasks": "task",
    "uploads": "upload",
    "sendReply": "thread",
    "attachments": None,
}
# A list example shows items: when its parent has none, one is made (path suffix -> kind; None: an attachment).
LISTED_CHILDREN = {"/comments": "comment", "/timeEntry": "time_entry", "/tasks": "task", "/attachments": None}
MADE = "Made for a replayed example"


class Replayer:
    """Replays examples on the sandbox's first org. `ids` maps (kind, doc id) to the sandbox record standing
    for it: found through the sandbox's list endpoints, or made through the API when the seed has none of the
    right kind or when a write wants a record of its own.

    `value_changes`: line -> {field: value} that replace the example's body values (after the id swap).
    """

    def __init__(self, desk: Any, value_changes: dict[int, dict[str, Any]] | None = None) -> None:
        self.desk = desk
        self.org_id = desk.org_ids[0]
        self.token = desk.access_token()
        self.client = httpx.Client(
            base_url=desk.api_root,
            timeout=10.0,
            headers={"Authorization": f"Zoho-oauthtoken {self.token}", "orgId": self.org_id},
        )
        self.value_changes = value_changes or {}
        self.ids: dict[tuple[str, str], str] = {}
        self.brand = brand_placeholder()
        self.made = 0
        self._split: tuple[str, str] | None = None

    def close(self) -> None:
        self.client.close()

    # reading the sandbox ------------------------------------------------------------------------------------
    def get(self, path: str, **params: Any) -> Any:
        answer = self.client.get(path, params=params)
        assert answer.status_code in (200, 204), f"GET {path}: {answer.status_code} {answer.text[:300]}"
        return answer.json() if answer.status_code == 200 else None

    def items(self, path: str, **params: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            page = self.get(path, **{**params, "from": len(found), "limit": 100})
            found += page["data"] if page else []
            if not page or len(page["data"]) < 100:
                return found

    def post(self, path: str, body: Any = None, **kwargs: Any) -> dict[str, Any]:
        answer = self.client.post(path, json=body, **kwargs) if body is not None else self.client.post(path, **kwargs)
        assert answer.status_code == 200, f"POST {path}: {answer.status_code} {answer.text[:300]}"
        return answer.json()

    @cached_property
    def departments(self) -> list[dict[str, Any]]:
        return [department for department in self.items("/departments") if department.get("isEnabled", True)]

    @cached_property
    def admin(self) -> dict[str, Any]:
        """The active agent in every department: a valid assignee and owner anywhere."""
        departments = {department["id"] for department in self.departments}
        return next(
            agent
            for agent in self.items("/agents")
            if agent["status"] == "ACTIVE" and departments <= set(agent["associatedDepartmentIds"])
        )

    @cached_property
    def reply_addresses(self) -> list[dict[str, Any]]:
        return [address for address in self.items("/mailReplyAddress") if address["isActive"]]

    def reply_address(self, department_id: str | None = None) -> str:
        mine = [item for item in self.reply_addresses if item["departmentId"] == department_id]
        return (mine or self.reply_addresses)[0]["address"]

    def tickets(self) -> list[dict[str, Any]]:
        return self.items("/tickets")

    def contacts(self) -> list[dict[str, Any]]:
        """Contacts with an account first: the examples' contacts have one."""
        return sorted(self.items("/contacts"), key=lambda contact: contact.get("accountId") is None)

    # making what the seed lacks -----------------------------------------------------------------------------
    def file(self, name: str = "issues.txt") -> dict[str, Any]:
        self.made += 1
        return {"file": (name, f"{MADE} ({self.made})\n".encode(), "text/plain")}

    def upload(self) -> str:
        return self.post("/uploads", files=self.file("atach.png"))["id"]

    def new_ticket(self, **fields: Any) -> dict[str, Any]:
        return self.post(
            "/tickets",
            {
                "subject": MADE,
                "departmentId": self.departments[0]["id"],
                "contactId": self.contacts()[0]["id"],
                "description": "Hello.",
                **fields,
            },
        )

    def new_child(self, kind: str, parent: str) -> str:
        """A new record of `kind` under `parent` (a ticket, or for attachments their parent's kind)."""
        if kind == "comment":
            made = self.post(f"/tickets/{parent}/comments", {"content": f"{MADE}."})
        elif kind == "time_entry":
            made = self.post(
                f"/tickets/{parent}/timeEntry",
                {
                    "hoursSpent": "1",
                    "minutesSpent": "5",
                    "ownerId": self.admin["id"],
                    "agentCostPerHour": "3.0",
                    "executedTime": "2016-06-22T20:30:00.000Z",
                    "requestChargeType": "Customer Service",
                },
            )
        elif kind == "task":
            made = self.post(
                "/tasks",
                {
                    "subject": MADE,
                    "ticketId": parent,
                    "ownerId": self.admin["id"],
                    "departmentId": self.get(f"/tickets/{parent}")["departmentId"],
                },
            )
        elif kind.endswith("_attachment"):
            made = self.post(
                f"/{PARENT_COLLECTIONS[kind.removesuffix('_attachment')]}/{parent}/attachments", files=self.file()
            )
        else:
            raise AssertionError(f"no way to make a {kind}")
        return made["id"]

    def draft(self, ticket_id: str, *uploads: str) -> dict[str, Any]:
        department = self.get(f"/tickets/{ticket_id}")["departmentId"]
        return self.post(
            f"/tickets/{ticket_id}/draftReply",
            {
                "channel": "EMAIL",
                "content": f"{MADE}.",
                "attachmentIds": list(uploads),
                "fromEmailAddress": self.reply_address(department),
            },
        )

    def draft_with_attachment(self, ticket_id: str) -> tuple[str, str]:
        """(a draft of the ticket carrying an attachment, that attachment): only a draft's attachment can go."""
        draft = self.draft(ticket_id, self.upload())
        return draft["id"], draft["attachments"][0]["id"]

    # choosing records ---------------------------------------------------------------------------------------
    def resolve(self, kind: str, doc_id: str, example: Example, parent: str | None = None) -> str:
        key = (kind, doc_id)
        if key not in self.ids:
            self.ids[key] = self.pick(kind, example, parent)
        return self.ids[key]

    def pick(self, kind: str, example: Example, parent: str | None) -> str:
        """A sandbox record of `kind` of the sort the example shows; a new one when a write wants it."""
        path, reading = example.path, example.method == "GET"
        if kind == "org":
            return self.org_id
        if kind == "ticket":
            if "/split" in path:
                return self._splittable()[0]
            if reading and "/threads/" in path:
                return self._ticket_with(lambda threads: any(_incoming_email(t) for t in threads))
            if reading and path.endswith("/threads"):  # its newest thread an agent's EMAIL reply (see below)
                return self._ticket_with(lambda threads: _outgoing_email(threads[0]))
            return self._seeded_ticket() if reading else self.new_ticket()["id"]
        if kind == "thread":
            if "/split" in path:
                return self._splittable()[1]
            threads = self.items(f"/tickets/{parent}/threads")
            return ([t for t in threads if _incoming_email(t)] or threads)[0]["id"]
        if kind == "draft":  # with an attachment when the answer shown has one (the PATCH example's has none)
            if (example.shown.body or {}).get("hasAttach"):
                return self.draft_with_attachment(parent)[0]
            return self.draft(parent)["id"]
        if kind in ("comment", "time_entry"):
            existing = self.items(f"/tickets/{parent}/{'comments' if kind == 'comment' else 'timeEntry'}")
            return existing[0]["id"] if existing else self.new_child(kind, parent)
        if kind.endswith("_attachment"):
            return self.new_child(kind, parent)
        if kind == "task":
            with_ticket = [task["id"] for task in self.items("/tasks") if task.get("ticketId")]
            return self._distinct(kind, with_ticket) if with_ticket else self.new_child(kind, self.new_ticket()["id"])
        if kind == "agent":
            return self.admin["id"]
        if kind == "upload":
            return self.upload()
        listed = {
            "contact": self.contacts,
            "account": lambda: self.items("/accounts"),
            "department": lambda: self.departments,
            "contract": lambda: self.items("/contracts"),
        }
        if kind in listed:
            return self._distinct(kind, [record["id"] for record in listed[kind]()])
        raise AssertionError(f"no way to find a {kind}")

    def _distinct(self, kind: str, candidates: list[str]) -> str:
        """Distinct doc ids of a kind stand for distinct records, while there are enough."""
        taken = {value for (each, _), value in self.ids.items() if each == kind}
        return next((candidate for candidate in candidates if candidate not in taken), candidates[0])

    def _seeded_ticket(self) -> str:
        """A seeded ticket whose contact has an account, as the examples' tickets do."""
        with_account = {contact["id"] for contact in self.contacts() if contact.get("accountId")}
        return self._distinct("ticket", [t["id"] for t in self.tickets() if t["contactId"] in with_account])

    def _ticket_with(self, wanted: Callable[[list[dict[str, Any]]], bool]) -> str:
        """A seeded ticket whose threads (newest first) are as `wanted`. The thread list example shows in full
        an agent's EMAIL reply (its other items are FEEDBACK threads and a FACEBOOK draft, which the seed lacks);
        the GET thread example, a customer's EMAIL message."""
        for ticket in self.tickets():
            threads = self.items(f"/tickets/{ticket['id']}/threads")
            if threads and wanted(threads):
                return ticket["id"]
        raise AssertionError("the seed has no ticket with the threads the example shows")

    def _splittable(self) -> tuple[str, str]:
        """(a seeded ticket, its incoming thread that is not its first): what split can take off."""
        if self._split is None:
            for ticket in self.tickets():
                threads = self.items(f"/tickets/{ticket['id']}/threads", sortBy="sendDateTime")
                later = [t for t in threads[1:] if t["direction"] == "in" and t["status"] != "DRAFT"]
                if later:
                    self._split = ticket["id"], later[0]["id"]
                    break
            else:
                raise AssertionError("the seed has no ticket with a later incoming thread to split off")
        return self._split

    # what a read needs beyond its ids ----------------------------------------------------------------------
    def ensure(self, example: Example, path_ids: dict[str, str]) -> None:
        """A list or search example shows items: when the sandbox would show none, one is made."""
        if example.method != "GET":
            return
        path = example.path
        parent_kind = next((kind for kind in ("task", "contact", "account", "ticket") if kind in path_ids), None)
        for suffix, kind in LISTED_CHILDREN.items():
            if parent_kind and path.endswith(suffix):
                parent = path_ids[parent_kind]
                if not self.get(f"/{PARENT_COLLECTIONS[parent_kind]}/{parent}{suffix}"):
                    self.new_child(kind or f"{parent_kind}_attachment", parent)
        customer = next((kind for kind in ("contact", "account") if kind in path_ids), None)
        if customer and path.endswith("/tickets") and not self.get(f"/{customer}s/{path_ids[customer]}/tickets"):
            self.new_ticket(contactId=path_ids.get("contact") or self._contact_of(path_ids["account"]))
        if re.fullmatch(r"/\w+/search", path) and not self.get(path, **dict(example.query)):
            self._make_findable(path.split("/")[1], dict(example.query))

    def _make_findable(self, module: str, query: dict[str, str]) -> None:
        """A record the module's search example finds (its value, the wildcard's `*` dropped, leads the field)."""
        field_name, value = next((name, value) for name, value in query.items() if name not in ("limit", "from"))
        value = value.split(",")[0].removesuffix("*")
        if module == "tickets":
            self.new_ticket(**{field_name: f"{value} Requirement"})
        elif module == "contacts":
            self.post("/contacts", {field_name: value, "email": f"{value}.{self.made}@example.com".lower()})
        elif module == "accounts":
            self.post("/accounts", {field_name: value})
        else:
            self.post("/tasks", {"subject": MADE, "departmentId": self.departments[0]["id"], field_name: value})

    def _contact_of(self, account_id: str) -> str:
        mine = [contact for contact in self.contacts() if contact.get("accountId") == account_id]
        if mine:
            return mine[0]["id"]
        return self.post(
            "/contacts", {"lastName": "Made", "accountId": account_id, "email": f"made.{self.made}@example.com"}
        )["id"]

    # the request ----------------------------------------------------------------------------------------------
    def path_of(self, example: Example) -> tuple[str, dict[str, str]]:
        """The example's path with sandbox ids, and {kind: sandbox id} of the ids in it. A DELETE gets records of
        its own below its first id (a draft with an attachment, for the draft-attachment DELETE)."""
        segments = example.path.strip("/").split("/")
        out: list[str] = []
        path_ids: dict[str, str] = {}
        parent_kind = parent_id = None
        own_attachment = None
        for index, segment in enumerate(segments):
            if not segment.isdigit():
                out.append(segment)
                continue
            collection = segments[index - 1]
            kind = f"{parent_kind}_attachment" if collection == "attachments" else SEGMENT_KINDS[collection]
            if example.method != "DELETE" or not path_ids:
                value = self.resolve(kind, segment, example, parent_id)
            elif kind == "thread":
                value, own_attachment = self.draft_with_attachment(parent_id)
            elif kind == "thread_attachment":
                value = own_attachment
            else:
                value = self.new_child(kind, parent_id)
            out.append(value)
            path_ids[kind] = value
            parent_kind, parent_id = kind, value
        return "/" + "/".join(out), path_ids

    def query_of(self, example: Example) -> list[tuple[str, str]]:
        return [
            (
                name,
                self.resolve(FIELD_KINDS[name], value, example) if name in FIELD_KINDS and value.isdigit() else value,
            )
            for name, value in example.query
        ]

    def body_of(self, example: Example, path_ids: dict[str, str]) -> Any:
        if example.body is None:
            return None
        ticket = self.get(f"/tickets/{path_ids['ticket']}") if "ticket" in path_ids else None
        return {**self._swap(example.body, example, ticket, example.body), **self.value_changes.get(example.line, {})}

    def _swap(
        self, value: Any, example: Example, ticket: dict[str, Any] | None, whole: dict[str, Any], name: str = ""
    ) -> Any:
        if name == "source" and isinstance(value, dict):  # merge: each field names the ticket whose value stays
            return {key: self.resolve("ticket", str(item), example) for key, item in value.items()}
        if isinstance(value, dict):
            return {key: self._swap(item, example, ticket, whole, key) for key, item in value.items()}
        if isinstance(value, list):
            return [self._swap(item, example, ticket, whole, name) for item in value]
        if name in FIELD_KINDS and str(value).isdigit():
            kind = FIELD_KINDS[name]
            return self.upload() if kind == "upload" else self.resolve(kind, str(value), example)
        if isinstance(value, str):
            return self._swap_text(value, example, ticket, whole, name)
        return value

    def _swap_text(
        self, value: str, example: Example, ticket: dict[str, Any] | None, whole: dict[str, Any], name: str
    ) -> str:
        """Addresses (masked, or on the brand's domain) become seeded ones; @mentions name a seeded agent."""
        value = MENTION.sub(f"zsu[@user:{self.admin['zuid']}]zsu", value)
        if MASKED_EMAIL not in value and self.brand not in value:
            return value
        if name == "fromEmailAddress":  # an active reply address of the org, the ticket's department's
            return self.reply_address(ticket["departmentId"] if ticket else None)
        if name in ("to", "email") and (ticket or whole.get("contactId")):  # the ticket's contact's address
            contact = self.resolve("contact", whole["contactId"], example) if whole.get("contactId") else None
            return self.get(f"/contacts/{contact or ticket['contactId']}")["email"]  # type: ignore[index]
        if name in ("email", "secondaryEmail"):  # a new contact's own addresses, on its account's domain
            account = self.resolve("account", whole["accountId"], example) if whole.get("accountId") else None
            domain = self.get(f"/accounts/{account}")["website"].removeprefix("www.") if account else "example.com"
            local = f"{whole.get('firstName', 'new')}.{whole.get('lastName', 'contact')}".lower().replace(" ", "")
            return f"{local}{'.alt' if name == 'secondaryEmail' else ''}@{domain}"
        raise AssertionError(f"no seeded stand-in for {name}={value!r}")

    def files_of(self, example: Example) -> dict[str, Any] | None:
        """A multipart `file` for the file endpoints (the seed shows no -F), named as the shown answer names it."""
        if example.method == "POST" and (example.path.endswith("/attachments") or example.path == "/uploads"):
            return self.file((example.shown.body or {}).get("name", "issues.txt").replace(self.brand, "desk"))
        return None

    def replay(self, example: Example) -> tuple[httpx.Request, httpx.Response]:
        path, path_ids = self.path_of(example)
        self.ensure(example, path_ids)
        request = self.client.build_request(
            example.method,
            path,
            params=self.query_of(example),
            json=self.body_of(example, path_ids),
            files=self.files_of(example),
        )
        if "orgId" not in example.headers:  # /organizations: the example sends none
            del request.headers["orgId"]
        answer = self.client.send(request)
        self._remember(example, path, answer)
        return request, answer

    def _remember(self, example: Example, path: str, answer: httpx.Response) -> None:
        """A create's doc id (in the shown answer) names the record the replay made."""
        segments = path.strip("/").split("/")
        shown = example.shown.body
        if example.method != "POST" or segments[-1] not in CREATED_KINDS or not isinstance(shown, dict):
            return
        kind = CREATED_KINDS[segments[-1]] or f"{FILE_PARENTS[segments[0]]}_attachment"
        if answer.status_code == 200 and "id" in shown:
            self.ids.setdefault((kind, str(shown["id"])), answer.json()["id"])


def _incoming_email(thread: dict[str, Any]) -> bool:
    return thread["channel"] == "EMAIL" and thread["direction"] == "in"


def _outgoing_email(thread: dict[str, Any]) -> bool:
    return thread["channel"] == "EMAIL" and thread["direction"] == "out"

"""Agents, departments and mail reply addresses, looked up by the names rules use.

Built from the Desk's own shapes (GET /agents, /departments, /mailReplyAddress), plus one figure of ours:
`openTickets` {agent id or email: count}, the load the pipeline measures, used by assignment caps.

Lookups: agents by id or email (case-insensitive; the Desk calls it `emailId`), departments by id or name
(case-insensitive; `nameInCustomerPortal` too), reply addresses by address. An agent is eligible for automatic
assignment when its status is ACTIVE and it is confirmed (an unconfirmed agent has no zuid and cannot be
assigned), and, when the directory carries its load, when that load is under the rule's cap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, overload

from jinja2 import Undefined

from worker.engine.errors import DirectoryError

Record = Mapping[str, Any]


def _key(text: Any) -> str:
    return str(text).strip().casefold()


def _id_order(record: Record) -> tuple[int, str]:
    ident = str(record.get("id", ""))
    return (len(ident), ident)


class Directory:
    """Immutable lookups over one snapshot of the Desk's agents, departments and reply addresses."""

    def __init__(
        self,
        agents: Iterable[Record] = (),
        departments: Iterable[Record] = (),
        mail_reply_addresses: Iterable[Record] = (),
        open_tickets: Mapping[str, int] | None = None,
        teams: Iterable[Record] = (),
    ) -> None:
        self.agents = tuple(agents)
        self.teams = tuple(teams)
        self._teams = {_key(ref): team for team in self.teams for ref in (team.get("id"), team.get("name")) if ref}
        self.departments = tuple(departments)
        self.mail_reply_addresses = tuple(mail_reply_addresses)
        self._agents: dict[str, Record] = {}
        for agent in self.agents:
            for ref in (agent.get("id"), agent.get("emailId"), agent.get("email")):
                if ref:
                    self._agents.setdefault(_key(ref), agent)
        self._departments: dict[str, Record] = {}
        for department in self.departments:
            for ref in (department.get("id"), department.get("name"), department.get("nameInCustomerPortal")):
                if ref:
                    self._departments.setdefault(_key(ref), department)
        self._addresses = {_key(item.get("address")): item for item in self.mail_reply_addresses}
        self._load = {_key(ref): count for ref, count in (open_tickets or {}).items()}
        self._eligible: dict[tuple[str, int | None], tuple[list[Record], list[tuple[Record, str]]]] = {}
        self._summaries: dict[tuple[str, int | None], tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}

    @overload
    @classmethod
    def from_data(cls, data: Mapping[str, Any] | Directory) -> Directory: ...

    @overload
    @classmethod
    def from_data(cls, data: None) -> None: ...

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | Directory | None) -> Directory | None:
        """From a mapping like {agents: [...], departments: [...], mailReplyAddresses: [...], openTickets: {},
        teams: [...]}."""
        if data is None or isinstance(data, Directory):
            return data
        return cls(
            data.get("agents") or (),
            data.get("departments") or (),
            data.get("mailReplyAddresses") or (),
            data.get("openTickets") or {},
            data.get("teams") or (),
        )

    # ------------------------------------------------------------------------------------------- lookups
    def agent(self, ref: Any) -> Record | None:
        return self._agents.get(_key(ref)) if ref not in (None, "") else None

    def department(self, ref: Any) -> Record | None:
        return self._departments.get(_key(ref)) if ref not in (None, "") else None

    def team(self, ref: Any) -> Record | None:
        """A team by id or name (case-insensitive)."""
        return self._teams.get(_key(ref)) if ref not in (None, "") else None

    def reply_address(self, address: str) -> Record | None:
        return self._addresses.get(_key(address))

    def load(self, agent: Record) -> int | None:
        for ref in (agent.get("id"), agent.get("emailId"), agent.get("email")):
            if ref and _key(ref) in self._load:
                return int(self._load[_key(ref)])
        return None

    def require_agent(self, ref: Any) -> Record:
        agent = self.agent(ref)
        if agent is None:
            raise DirectoryError(f"no agent {ref!r} in the directory ({len(self.agents)} agents known)")
        return agent

    def require_department(self, ref: Any) -> Record:
        department = self.department(ref)
        if department is None:
            names = ", ".join(sorted(str(item.get("name")) for item in self.departments)) or "none"
            raise DirectoryError(f"no department {ref!r} in the directory; known: {names}")
        return department

    # ------------------------------------------------------------------------------------------ assignment
    def department_agents(self, department: Record) -> list[Record]:
        """Agents of a department (by either side's association), in a stable order: by id."""
        ident = str(department.get("id"))
        member_ids = {str(agent_id) for agent_id in department.get("associatedAgentIds") or ()}
        members = [
            agent
            for agent in self.agents
            if str(agent.get("id")) in member_ids
            or ident in {str(d) for d in agent.get("associatedDepartmentIds") or ()}
        ]
        return sorted(members, key=_id_order)

    def eligible_summaries(
        self, department: Record, cap: int | None
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """`eligible` as plans carry it: agent summaries, the skipped ones with their reason (memoised;
        treat them as read-only)."""
        key = (str(department.get("id")), cap)
        if key not in self._summaries:
            candidates, skipped = self.eligible(department, cap)
            self._summaries[key] = (
                [agent_summary(agent, self.load(agent)) for agent in candidates],
                [{**agent_summary(agent), "reason": reason} for agent, reason in skipped],
            )
        return self._summaries[key]

    def eligible(self, department: Record, cap: int | None) -> tuple[list[Record], list[tuple[Record, str]]]:
        """(candidates, skipped with reasons) for automatic assignment within `department` (memoised: the
        directory is one immutable snapshot)."""
        key = (str(department.get("id")), cap)
        if key not in self._eligible:
            self._eligible[key] = self._find_eligible(department, cap)
        return self._eligible[key]

    def _find_eligible(self, department: Record, cap: int | None) -> tuple[list[Record], list[tuple[Record, str]]]:
        candidates: list[Record] = []
        skipped: list[tuple[Record, str]] = []
        for agent in self.department_agents(department):
            reason = _ineligible(agent)
            load = self.load(agent)
            if reason is None and cap is not None and load is not None and load >= cap:
                reason = f"at cap ({load} open, cap {cap})"
            if reason is None:
                candidates.append(agent)
            else:
                skipped.append((agent, reason))
        return candidates, skipped

    # -------------------------------------------------------------------------------------------- mention
    def mention(self, agent: Any) -> str:
        """`zsu[@user:{zuid}]zsu` for an agent dict (with zuid, or an id/email to look up), an id or an email."""
        if isinstance(agent, Undefined):
            str(agent)  # StrictUndefined raises the precise "... is undefined" error
        if agent is None or agent == "":
            raise DirectoryError("mention(): no agent given (is the ticket assigned?)")
        zuid = agent.get("zuid") if isinstance(agent, Mapping) else None
        if not zuid:
            refs = [agent.get(key) for key in ("id", "emailId", "email")] if isinstance(agent, Mapping) else [agent]
            record = next((self.agent(ref) for ref in refs if ref and self.agent(ref)), None)
            if record is None:
                raise DirectoryError(f"mention(): no agent {_describe(agent)} in the directory")
            zuid = record.get("zuid")
            if not zuid:
                raise DirectoryError(f"mention(): agent {_describe(agent)} has no zuid (not confirmed yet)")
        return f"zsu[@user:{zuid}]zsu"


def _ineligible(agent: Record) -> str | None:
    status = str(agent.get("status") or "ACTIVE").upper()
    if status != "ACTIVE":
        return f"status {status}"
    if agent.get("isConfirmed") is False:
        return "not confirmed"
    return None


def _describe(agent: Any) -> str:
    if isinstance(agent, Mapping):
        return repr(agent.get("emailId") or agent.get("email") or agent.get("id"))
    return repr(agent)


def agent_summary(agent: Record, load: int | None = None) -> dict[str, Any]:
    """An agent as plans carry it: id, email, name, zuid (and load when known)."""
    name = " ".join(part for part in (agent.get("firstName"), agent.get("lastName")) if part)
    summary = {
        "id": str(agent.get("id")),
        "email": agent.get("emailId") or agent.get("email"),
        "name": name or None,
        "zuid": agent.get("zuid"),
        "openTickets": load,
    }
    return {key: value for key, value in summary.items() if value is not None}

"""Every request example of the seed (desk-api-v1.zh.txt), parsed from the text and replayed against a sandbox.

"With the credentials the sandbox prints, the seed's curl examples (host and token scheme swapped) all answer as
the seed shows." Each example is replayed with the sandbox's API root for the host, `Zoho-oauthtoken <token>` for
the token, a seeded org id for `orgId`, and the example's ids swapped for ids of sandbox records of the same kind:
found through the sandbox's own list endpoints, or built through the API where the seed has none of the right
kind (an upload, an attachment, a draft with an attachment, ...). A doc id names one record throughout (a doc id
that a create answers with names the record that create made), except that a DELETE always gets a record of its
own, so that the examples after it still find theirs. Examples run in the document's order; each can also run
alone (what it needs is then found or built on the spot).

Checks: a success status (the status itself where the seed shows only a status), and the example's field set
(seed_examples.shape_differences). The reference's known defects are replayed in corrected form: the split path
written `/thread/` in its heading (the example's `/threads/` is replayed), the space inside the host of the
attachment-PATCH example, the brand placeholder in hosts and keys, the masked addresses ("[email protected]"), the
expired-token example (replayed with a token made to expire), the deprecated authtoken example (replayed with the
OAuth scheme, as every example is), the accounts server's OAuth examples (replayed with the sandbox's client). The
contracts heading's doubled braces (`/contracts/{{contract_id}}`) are in a heading only: its example is clean.
What cannot be replayed is listed in EXCLUDED with the reason, and the counts are asserted.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from tests.integration.sandbox.seed_examples import (
    MASKED_EMAIL,
    Example,
    brand_placeholder,
    deprecated_endpoint_lines,
    parse_reference,
    shape_differences,
)
from tests.support.sandbox import SandboxProcess

EXAMPLES = parse_reference()
CURL_EXAMPLES = [example for example in EXAMPLES if example.kind == "curl"]
ACCOUNTS_EXAMPLES = [example for example in EXAMPLES if example.kind == "accounts"]

# What the reference asks that cannot be replayed: line -> reason. Nothing else is left out.
EXCLUDED: dict[int, str] = {
    line: "the deprecated authtoken endpoint (accounts server /apiauthtoken/nb/create): a bare URL with no request "
          "or answer shown; the Desk has retired authtokens and the sandbox, like the Desk today, has no such endpoint"
    for line in deprecated_endpoint_lines()
}
EXPECTED_CURL_EXAMPLES = 74
EXPECTED_ACCOUNTS_EXAMPLES = 3
EXPECTED_BY_SHOWN = {"json": 57, "status": 13, "none": 4}  # curl examples by what the seed shows as the answer

# The accounts server's examples show no answer; the token answer's fields are the real service's (desk-api.md).
TOKEN_KEYS = {"access_token", "expires_in", "api_domain", "token_type"}
CODE_TOKEN_KEYS = TOKEN_KEYS | {"refresh_token"}

# Deviations of the sandbox from the seed, reported to the lead (line -> reason): the seed's field sets are what
# the sandbox returns (desk-api.md), and these answers carry fields the example does not show.
_SEED_RULE = "; the seed's field sets are what the sandbox returns (desk-api.md)"
KNOWN_DEVIATIONS: dict[int, str] = {
    963: "merge answers the target ticket with `isDeleted`, which the seed's merge answer does not show" + _SEED_RULE,
    1015: "split answers the new ticket with `isDeleted`, which the seed's split answer does not show" + _SEED_RULE,
    3240: "GET /tasks/{id} answers `isCommented`, which the seed's GET-one example does not show" + _SEED_RULE,
    3292: "GET /tasks items carry `customFields`, which the list example's items do not show" + _SEED_RULE,
    3312: "POST /tasks answers `completedTime` and `isCommented`, which the create example does not show" + _SEED_RULE,
    3334: "PATCH /tasks/{id} answers `completedTime` and `isCommented`, which the update example does not show"
          + _SEED_RULE,
    3379: "GET /tickets/{id}/tasks items carry `completedTime` and `isCommented`, which the example's item does "
          "not show" + _SEED_RULE,
}
# Where the seed shows only "200" and the sandbox answers 204 No Content: its documented choice for deletes ("where
# the seed is silent", though every DELETE example shows 200; the vendor's spec files the answer under "200" with
# the description "No content"). A success either way; listed so that the status is still checked exactly.
NO_CONTENT_WHERE_SEED_SHOWS_200 = {
    1507: "DELETE comment", 1752: "DELETE ticket attachment", 2056: "DELETE time entry",
    2602: "DELETE contact attachment", 3079: "DELETE account attachment", 3533: "DELETE task attachment",
}

# Body values an example must change to be valid on the seeded desk: line -> ({field: value}, why).
VALUE_CHANGES: dict[int, tuple[dict[str, Any], str]] = {
    2852: ({"accountName": "Zylker Replayed"},
           "the seeded desk has an account named Zylker already, and the sandbox refuses a duplicate accountName "
           "(422 INVALID_DATA duplicate)"),
}

TICKETS_PER_ORG = 30
MENTION = re.compile(r"zsu\[@user:(\d+)\]zsu")
FILE_PARENTS = {"tickets": "ticket", "contacts": "contact", "accounts": "account", "tasks": "task"}
# The kind of record an id names, from the path segment before it (attachments: from their parent's kind).
SEGMENT_KINDS = {
    "organizations": "org", "tickets": "ticket", "threads": "thread", "draftReply": "draft", "comments": "comment",
    "timeEntry": "time_entry", "contacts": "contact", "accounts": "account", "tasks": "task", "agents": "agent",
    "departments": "department", "contracts": "contract", "uploads": "upload",
}
BODY_ID_KINDS = {
    "contactId": "contact", "departmentId": "department", "assigneeId": "agent", "ownerId": "agent",
    "accountId": "account", "ticketId": "ticket", "ids": "ticket", "attachmentIds": "upload",
}
# The kind of record a POST to a collection makes (its doc id in the shown answer then names that record).
CREATED_KINDS = {
    "tickets": "ticket", "comments": "comment", "timeEntry": "time_entry", "contacts": "contact",
    "accounts": "account", "tasks": "task", "uploads": "upload", "sendReply": "thread",
}  # not draftReply: the draft the PATCH example edits shows no attachment, the one the POST example made has one


def _marks(example: Example) -> list[pytest.MarkDecorator]:
    reason = KNOWN_DEVIATIONS.get(example.line)
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


def _params(examples: list[Example]) -> list[Any]:
    return [pytest.param(example, id=example.test_id, marks=_marks(example)) for example in examples]


# the sandbox, and what it holds ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def desk() -> Iterator[SandboxProcess]:
    process = SandboxProcess(tickets=TICKETS_PER_ORG).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def replayer(desk: SandboxProcess) -> Iterator["Replayer"]:
    replayer = Replayer(desk)
    yield replayer
    replayer.client.close()


class Replayer:
    """Replays examples on one org of the sandbox; `ids` maps (kind, doc id) to the sandbox record it stands for."""

    def __init__(self, desk: SandboxProcess) -> None:
        self.desk = desk
        self.org_id = desk.org_ids[0]
        self.token = desk.access_token()
        self.client = httpx.Client(base_url=desk.api_root, timeout=10.0, headers=self.headers())
        self.ids: dict[tuple[str, str], str] = {}
        self.parents: dict[str, str] = {}  # a child's sandbox id -> its ticket's (or its parent's) sandbox id
        self.brand = brand_placeholder()
        self.made = 0

    def headers(self, org: bool = True) -> dict[str, str]:
        headers = {"Authorization": f"Zoho-oauthtoken {self.token}"}
        return {**headers, "orgId": self.org_id} if org else headers

    # reading the sandbox ----------------------------------------------------------------------------------------
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

    def agents(self) -> list[dict[str, Any]]:
        return self.items("/agents")

    def admin(self) -> dict[str, Any]:
        """The active agent in every department: a valid assignee and owner anywhere."""
        departments = {department["id"] for department in self.departments()}
        return next(agent for agent in self.agents()
                    if agent["status"] == "ACTIVE" and departments <= set(agent["associatedDepartmentIds"]))

    def departments(self) -> list[dict[str, Any]]:
        return [department for department in self.items("/departments") if department.get("isEnabled", True)]

    def tickets(self) -> list[dict[str, Any]]:
        return self.items("/tickets")

    def contacts(self) -> list[dict[str, Any]]:
        """Contacts with an account first: the examples' contacts have one."""
        contacts = self.items("/contacts")
        return sorted(contacts, key=lambda contact: contact.get("accountId") is None)

    def reply_address(self, department_id: str | None = None) -> str:
        addresses = [item for item in self.items("/mailReplyAddress") if item["isActive"]]
        mine = [item for item in addresses if item["departmentId"] == department_id]
        return (mine or addresses)[0]["address"]

    # building what the seed lacks ---------------------------------------------------------------------------
    def file(self, name: str = "issues.txt") -> dict[str, Any]:
        self.made += 1
        return {"file": (name, f"made for a replayed example ({self.made})\n".encode(), "text/plain")}

    def upload(self) -> str:
        return self.post("/uploads", files=self.file("atach.png"))["id"]

    def fresh_ticket(self) -> str:
        contact = self.contacts()[0]
        department = self.departments()[0]
        ticket = self.post("/tickets", {"subject": "Made for a replayed example", "departmentId": department["id"],
                                        "contactId": contact["id"], "description": "The first message."})
        return ticket["id"]

    def fresh_child(self, kind: str, parent: str) -> str:
        """A new record of `kind` under `parent`, for a DELETE to remove or a list to show."""
        if kind == "comment":
            made = self.post(f"/tickets/{parent}/comments", {"content": "A comment made for a replayed example."})
        elif kind == "time_entry":
            made = self.post(f"/tickets/{parent}/timeEntry", {
                "hoursSpent": "1", "minutesSpent": "5", "ownerId": self.admin()["id"], "agentCostPerHour": "3.0",
                "executedTime": "2016-06-22T20:30:00.000Z", "requestChargeType": "Customer Service"})
        elif kind == "task":
            ticket = self.get(f"/tickets/{parent}")
            made = self.post("/tasks", {"subject": "Made for a replayed example", "ticketId": parent,
                                        "departmentId": ticket["departmentId"], "ownerId": self.admin()["id"]})
        elif kind.endswith("_attachment"):
            collection = {value: key for key, value in FILE_PARENTS.items()}[kind.removesuffix("_attachment")]
            made = self.post(f"/{collection}/{parent}/attachments", files=self.file())
        else:
            raise AssertionError(f"no way to build a {kind}")
        self.parents[made["id"]] = parent
        return made["id"]

    def draft(self, ticket_id: str, *uploads: str) -> dict[str, Any]:
        ticket = self.get(f"/tickets/{ticket_id}")
        return self.post(f"/tickets/{ticket_id}/draftReply", {
            "channel": "EMAIL", "content": "A draft made for a replayed example.", "attachmentIds": list(uploads),
            "fromEmailAddress": self.reply_address(ticket["departmentId"])})

    def draft_with_attachment(self, ticket_id: str) -> tuple[str, str]:
        """(a draft of the ticket carrying an attachment, that attachment): only a draft's attachment can go."""
        draft = self.draft(ticket_id, self.upload())
        return draft["id"], draft["attachments"][0]["id"]

    # choosing records ---------------------------------------------------------------------------------------
    def pick(self, kind: str, doc_id: str, example: Example, parent: str | None) -> str:
        """A sandbox record standing for the doc's `doc_id` of `kind`: found, or made when a write wants it."""
        mutating = example.method != "GET"
        if kind == "org":
            return self.org_id
        if kind == "ticket":
            if "/split" in example.path:
                return self._splittable()[0]
            if "/threads/" in example.path and example.method == "GET":
                return self._ticket_with_incoming_email()
            if example.path.endswith("/threads") and example.method == "GET":
                return self._ticket_answered_by_email()
            if mutating:
                return self.fresh_ticket()
            return self._seeded_ticket(doc_id)
        if kind == "thread":
            if "/split" in example.path:
                return self._splittable()[1]
            threads = self.items(f"/tickets/{parent}/threads")
            emails = [t for t in threads if t["channel"] == "EMAIL" and t["direction"] == "in"]
            return (emails or threads)[0]["id"]
        if kind == "draft":  # with an attachment when the answer shown has one (the PATCH example's has none)
            if (example.shown.body or {}).get("hasAttach"):
                return self.draft_with_attachment(parent)[0]
            return self.draft(parent)["id"]
        if kind in ("comment", "time_entry"):
            collection = {"comment": "comments", "time_entry": "timeEntry"}[kind]
            existing = self.items(f"/tickets/{parent}/{collection}")
            return existing[0]["id"] if existing else self.fresh_child(kind, parent)
        if kind.endswith("_attachment"):
            return self.fresh_child(kind, parent)
        if kind == "contact":
            return self._distinct(kind, [contact["id"] for contact in self.contacts()])
        if kind == "account":
            return self._distinct(kind, [account["id"] for account in self.items("/accounts")])
        if kind == "task":
            with_ticket = [task["id"] for task in self.items("/tasks") if task.get("ticketId")]
            return self._distinct(kind, with_ticket) if with_ticket else self.fresh_child("task", self.fresh_ticket())
        if kind == "agent":
            return self.admin()["id"]
        if kind == "department":
            return self._distinct(kind, [department["id"] for department in self.departments()])
        if kind == "contract":
            return self._distinct(kind, [contract["id"] for contract in self.items("/contracts")])
        if kind == "upload":
            return self.upload()
        raise AssertionError(f"no way to find a {kind} (doc id {doc_id})")

    def _distinct(self, kind: str, candidates: list[str]) -> str:
        """Distinct doc ids of a kind stand for distinct records, while there are enough."""
        taken = {value for (each, _), value in self.ids.items() if each == kind}
        return next((candidate for candidate in candidates if candidate not in taken), candidates[0])

    def _seeded_ticket(self, doc_id: str) -> str:
        """A seeded ticket whose contact has an account, as the examples' tickets do."""
        accounts = {contact["id"] for contact in self.contacts() if contact.get("accountId")}
        candidates = [ticket["id"] for ticket in self.tickets() if ticket["contactId"] in accounts]
        return self._distinct("ticket", candidates)

    def _ticket_with_incoming_email(self) -> str:
        for ticket in self.tickets():
            threads = self.items(f"/tickets/{ticket['id']}/threads")
            if any(t["channel"] == "EMAIL" and t["direction"] == "in" for t in threads):
                return ticket["id"]
        raise AssertionError("the seed has no ticket with an incoming EMAIL thread")

    def _ticket_answered_by_email(self) -> str:
        """A seeded ticket whose newest thread is an agent's EMAIL reply: the kind of thread the list example
        shows in full (the others it shows are FEEDBACK threads and a FACEBOOK draft, which the seed has none of)."""
        for ticket in self.tickets():
            newest = self.items(f"/tickets/{ticket['id']}/threads")[0]
            if newest["channel"] == "EMAIL" and newest["direction"] == "out":
                return ticket["id"]
        raise AssertionError("the seed has no ticket whose newest thread is an agent's EMAIL reply")

    def _splittable(self) -> tuple[str, str]:
        """(a seeded ticket, its incoming thread that is not its first): what split can take off."""
        found = self.ids.get(("split", "pair"))
        if found:
            return tuple(found.split(":"))  # type: ignore[return-value]
        for ticket in self.tickets():
            threads = self.items(f"/tickets/{ticket['id']}/threads", sortBy="sendDateTime")
            later = [t for t in threads[1:] if t["direction"] == "in" and t["status"] != "DRAFT"]
            if later:
                self.ids[("split", "pair")] = f"{ticket['id']}:{later[0]['id']}"
                return ticket["id"], later[0]["id"]
        raise AssertionError("the seed has no ticket with a later incoming thread to split off")

    def resolve(self, kind: str, doc_id: str, example: Example, parent: str | None = None) -> str:
        key = (kind, doc_id)
        if key not in self.ids:
            self.ids[key] = self.pick(kind, doc_id, example, parent)
        return self.ids[key]

    # what an example needs beyond its ids -------------------------------------------------------------------
    def ensure(self, example: Example, path_ids: dict[str, str]) -> None:
        """A list example shows items: its parent gets one when it has none (the seed is random)."""
        if example.method != "GET":
            return
        path, ticket = example.path, path_ids.get("ticket")
        children = {"/comments": "comment", "/timeEntry": "time_entry", "/tasks": "task", "/attachments": None}
        for suffix, kind in children.items():
            parent_kind = next((k for k in ("task", "contact", "account", "ticket") if k in path_ids), None)
            if not path.endswith(suffix) or parent_kind is None:
                continue
            parent = path_ids[parent_kind]
            collection = {"ticket": "tickets", "contact": "contacts", "account": "accounts", "task": "tasks"}
            child_kind = kind if kind else f"{parent_kind}_attachment"
            if suffix == "/tasks" and parent_kind == "task":
                continue
            if not self.get(f"/{collection[parent_kind]}/{parent}{suffix}"):
                self.fresh_child(child_kind, parent)
        if ticket is None and re.fullmatch(r"/(contacts|accounts)/\d+/tickets", path):
            customer = path_ids.get("contact") or path_ids.get("account")
            collection = "contacts" if "contact" in path_ids else "accounts"
            if not self.get(f"/{collection}/{customer}/tickets"):
                contact = customer if collection == "contacts" else self._contact_of(customer)
                self.post("/tickets", {"subject": "Made for a replayed example", "contactId": contact,
                                       "departmentId": self.departments()[0]["id"], "description": "Hello."})

    def _contact_of(self, account_id: str) -> str:
        mine = [contact for contact in self.contacts() if contact.get("accountId") == account_id]
        if mine:
            return mine[0]["id"]
        return self.post("/contacts", {"lastName": "Made", "accountId": account_id,
                                       "email": f"made.{self.made}@example.com"})["id"]

    # the request ----------------------------------------------------------------------------------------------
    def path_of(self, example: Example) -> tuple[str, dict[str, str]]:
        """The example's path with sandbox ids, and {kind: sandbox id} of the ids in it."""
        segments = example.path.strip("/").split("/")
        out, path_ids, parent_kind, parent_id = [], {}, None, None
        ids_in_path = [i for i, segment in enumerate(segments) if segment.isdigit()]
        for index, segment in enumerate(segments):
            if not segment.isdigit():
                out.append(segment)
                continue
            collection = segments[index - 1]
            if collection == "attachments":
                kind = f"{parent_kind}_attachment"
            else:
                kind = SEGMENT_KINDS[collection]
            last = index == ids_in_path[-1]
            if example.method == "DELETE" and last:  # a delete gets a record of its own
                if kind == "thread_attachment":
                    thread_id, attachment_id = self.draft_with_attachment(path_ids["ticket"])
                    out[-2] = thread_id
                    path_ids["thread"], value = thread_id, attachment_id
                else:
                    value = self.fresh_child(kind, parent_id)
            else:
                value = self.resolve(kind, segment, example, parent_id)
            out.append(value)
            path_ids[kind] = value
            parent_kind, parent_id = kind, value
        return "/" + "/".join(out), path_ids

    def query_of(self, example: Example) -> list[tuple[str, str]]:
        swapped = []
        for name, value in example.query:
            if name in BODY_ID_KINDS and value.isdigit():
                value = self.resolve(BODY_ID_KINDS[name], value, example)
            swapped.append((name, value))
        return swapped

    def body_of(self, example: Example, path_ids: dict[str, str]) -> Any:
        body = example.body
        if body is None:
            return None
        ticket = self.get(f"/tickets/{path_ids['ticket']}") if "ticket" in path_ids else None
        changes, _ = VALUE_CHANGES.get(example.line, ({}, ""))
        return {**self._swap(body, example, ticket, body), **changes}

    def _swap(self, value: Any, example: Example, ticket: dict[str, Any] | None, whole: dict[str, Any],
              name: str = "") -> Any:
        if name == "source" and isinstance(value, dict):  # merge: each field names the ticket whose value stays
            return {key: self.resolve("ticket", str(item), example) for key, item in value.items()}
        if isinstance(value, dict):
            return {key: self._swap(item, example, ticket, whole, key) for key, item in value.items()}
        if isinstance(value, list):
            return [self._swap(item, example, ticket, whole, name) for item in value]
        if name in BODY_ID_KINDS and str(value).isdigit():
            kind = BODY_ID_KINDS[name]
            return self.upload() if kind == "upload" else self.resolve(kind, str(value), example)
        if isinstance(value, str):
            return self._swap_text(value, example, ticket, whole, name)
        return value

    def _swap_text(self, value: str, example: Example, ticket: dict[str, Any] | None, whole: dict[str, Any],
                   name: str) -> str:
        """Addresses (masked, or on the brand's domain) become seeded ones; @mentions name a seeded agent."""
        if MENTION.search(value):
            value = MENTION.sub(f"zsu[@user:{self.admin()['zuid']}]zsu", value)
        if MASKED_EMAIL not in value and self.brand not in value:
            return value
        if name == "fromEmailAddress":
            return self.reply_address(ticket["departmentId"] if ticket else None)
        if name in ("to", "email") and (ticket or whole.get("contactId")):
            contact_id = self.resolve("contact", whole["contactId"], example) if whole.get("contactId") else None
            return self.get(f"/contacts/{contact_id or ticket['contactId']}")["email"]
        if name in ("email", "secondaryEmail"):  # a new contact's own addresses, on its account's domain
            account = self.resolve("account", whole["accountId"], example) if whole.get("accountId") else None
            domain = self.get(f"/accounts/{account}")["website"].removeprefix("www.") if account else "example.com"
            first, last = whole.get("firstName", "new"), whole.get("lastName", "contact")
            return f"{first}.{last}{'.alt' if name == 'secondaryEmail' else ''}@{domain}".lower().replace(" ", "")
        raise AssertionError(f"no seeded stand-in for {name}={value!r}")

    def files_of(self, example: Example) -> dict[str, Any] | None:
        """A multipart `file` for the file endpoints, named as the example's answer names its file."""
        if example.method == "POST" and (example.path.endswith("/attachments") or example.path == "/uploads"):
            shown = example.shown.body or {}
            return self.file(shown.get("name", "issues.txt").replace(self.brand, "desk"))
        return None

    def replay(self, example: Example) -> tuple[httpx.Request, httpx.Response]:
        path, path_ids = self.path_of(example)
        self.ensure(example, path_ids)
        query, body, files = self.query_of(example), self.body_of(example, path_ids), self.files_of(example)
        headers = self.headers(org="orgId" in example.headers)
        request = self.client.build_request(example.method, path, params=query, json=body, files=files,
                                            headers=headers)
        if "orgId" not in example.headers:
            request.headers.pop("orgId", None)
        answer = self.client.send(request)
        self._remember(example, path, answer)
        return request, answer

    def _remember(self, example: Example, path: str, answer: httpx.Response) -> None:
        """A create's doc id (in the shown answer) names the record the replay made."""
        last = path.rstrip("/").split("/")[-1]
        shown = example.shown.body
        kind = CREATED_KINDS.get(last)
        if example.method != "POST" or kind is None or not isinstance(shown, dict) or "id" not in shown:
            if example.method == "POST" and last == "attachments" and isinstance(shown, dict):
                parent = path.strip("/").split("/")[0]
                kind = f"{FILE_PARENTS[parent]}_attachment"
            else:
                return
        if answer.status_code == 200 and "id" in answer.json():
            self.ids.setdefault((kind, str(shown["id"])), answer.json()["id"])


def describe(example: Example, request: httpx.Request, answer: httpx.Response, problems: list[str]) -> str:
    body = request.content.decode(errors="replace")[:400] if request.content else ""
    return "\n".join([
        f"doc line {example.line}: {example.method} {example.url}",
        f"replayed: {request.method} {request.url} {body}",
        f"answer: {answer.status_code} {answer.text[:600]}",
        f"seed shows: {example.shown.text[:400]}",
        *problems,
    ])


# the tests ----------------------------------------------------------------------------------------------------
def test_the_reference_has_the_examples_counted():
    by_shown: dict[str, int] = {}
    for example in CURL_EXAMPLES:
        by_shown[example.shown.kind] = by_shown.get(example.shown.kind, 0) + 1
    assert len(CURL_EXAMPLES) == EXPECTED_CURL_EXAMPLES
    assert len(ACCOUNTS_EXAMPLES) == EXPECTED_ACCOUNTS_EXAMPLES
    assert by_shown == EXPECTED_BY_SHOWN
    assert list(EXCLUDED) == [138]  # the one thing not replayed: the deprecated authtoken endpoint
    assert not set(EXCLUDED) & {example.line for example in EXAMPLES}


def _expire_a_token(desk: SandboxProcess) -> str:
    """A token that has expired: minted with a one-second life, then the sandbox clock moved past it."""
    assert desk.control.post("/_sandbox/config", json={"tokenTtlS": 1}).status_code == 200
    try:
        token = desk.access_token()
    finally:
        assert desk.control.post("/_sandbox/config", json={"tokenTtlS": 3600}).status_code == 200
    assert desk.control.post("/_sandbox/clock/advance", json={"seconds": 2}).status_code == 200
    return token


@pytest.mark.parametrize("example", _params(CURL_EXAMPLES))
def test_curl_example_answers_as_the_seed_shows(replayer: Replayer, desk: SandboxProcess, example: Example):
    if example.shown.status == 401:  # the expired-token example: replayed with a token that has expired
        path, _ = replayer.path_of(example)
        answer = replayer.client.get(path, headers={"Authorization": f"Zoho-oauthtoken {_expire_a_token(desk)}"})
        assert answer.status_code == 401, answer.text
        assert answer.json()["errorCode"] == "INVALID_OAUTH"
        return
    request, answer = replayer.replay(example)
    problems: list[str] = []
    if example.shown.kind == "status":
        allowed = {example.shown.status} | ({204} if example.line in NO_CONTENT_WHERE_SEED_SHOWS_200 else set())
        if answer.status_code not in allowed:
            problems.append(f"status {answer.status_code} where the seed shows {example.shown.status}")
    elif not 200 <= answer.status_code < 300:
        problems.append(f"status {answer.status_code}, not a success")
    if example.shown.kind == "json" and not problems:
        problems += shape_differences(example.shown.body, answer.json() if answer.content else None)
    assert not problems, describe(example, request, answer, problems)


@pytest.mark.parametrize("example", _params(ACCOUNTS_EXAMPLES))
def test_accounts_server_example_answers(desk: SandboxProcess, example: Example):
    """The OAuth examples, with the sandbox's client, redirect URI and a code or refresh token of its own."""
    redirect_uri = "http://127.0.0.1/oauthgrant"  # the sandbox client's registered redirect URI
    sandbox_values = {"client_id": desk.client_id, "client_secret": desk.client_secret, "redirect_uri": redirect_uri,
                      "refresh_token": desk.refresh_token}
    query = dict(example.query)
    if query.get("grant_type") == "authorization_code":
        sandbox_values["code"] = _authorization_code(desk, redirect_uri)
    params = {name: sandbox_values.get(name, value) for name, value in query.items()}
    answer = httpx.request(example.method, f"{desk.accounts_url}{example.path}", params=params)
    if example.path.endswith("/auth"):
        assert answer.status_code == 302, answer.text
        granted = dict(parse_qsl(urlsplit(answer.headers["location"]).query))
        assert answer.headers["location"].startswith(redirect_uri)
        assert granted["code"] and granted["state"] == query["state"]
        return
    assert answer.status_code == 200, answer.text
    expected = CODE_TOKEN_KEYS if query["grant_type"] == "authorization_code" else TOKEN_KEYS
    assert set(answer.json()) == expected, answer.text
    check = httpx.get(f"{desk.api_root}/tickets", params={"limit": 1},
                      headers={"Authorization": f"Zoho-oauthtoken {answer.json()['access_token']}",
                               "orgId": desk.org_ids[0]})
    assert check.status_code == 200, check.text  # Desk.tickets.READ, as the example's scope asks


def _authorization_code(desk: SandboxProcess, redirect_uri: str) -> str:
    redirect = httpx.get(f"{desk.accounts_url}/oauth/v2/auth", params={
        "response_type": "code", "client_id": desk.client_id, "scope": "Desk.tickets.READ,Desk.basic.READ",
        "redirect_uri": redirect_uri, "access_type": "offline"})
    return dict(parse_qsl(urlsplit(redirect.headers["location"]).query))["code"]


def test_every_example_is_replayed_or_excluded():
    replayed = len(CURL_EXAMPLES) + len(ACCOUNTS_EXAMPLES)
    assert replayed == 77 and len(EXCLUDED) == 1
    lines = {example.line for example in CURL_EXAMPLES}
    assert set(KNOWN_DEVIATIONS) <= lines and set(NO_CONTENT_WHERE_SEED_SHOWS_200) <= lines
    assert set(VALUE_CHANGES) <= lines
    no_content = [example for example in CURL_EXAMPLES if example.line in NO_CONTENT_WHERE_SEED_SHOWS_200]
    assert all(example.method == "DELETE" for example in no_content)

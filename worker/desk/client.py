"""DeskClient: the Desk API for one organisation, with shared OAuth, the shared rate budget, retries and paging.

    client = DeskClient(config, redis, org_id)   # config: a DeskConfig
    ticket = client.tickets.get("1892000000042034", include="contacts")
    for ticket in client.searches.iter_tickets(modified_from=cursor, modified_to=now):
        ...
    client.comments.create(ticket.id, CommentInput(content="...", isPublic=False))
    client.tickets.update(ticket.id, {"priority": "High"}, priority="high")   # may spend the reserve

Build one per process and org and share it between threads (dramatiq actors are threads); several clients for
different orgs can share one TokenProvider and one httpx.Client. `close()` (or `with`) releases what it created.
"""

from __future__ import annotations

from types import TracebackType

import httpx
import redis as redis_lib

from worker.desk.auth import TokenProvider
from worker.desk.budget import Budget
from worker.desk.config import DeskConfig
from worker.desk.resources import (
    AccountsResource,
    AgentsResource,
    AttachmentsResource,
    CommentsResource,
    ContactsResource,
    ContractsResource,
    DepartmentsResource,
    FieldsResource,
    HistoryResource,
    LayoutsResource,
    MailReplyAddressesResource,
    OrganizationsResource,
    SearchesResource,
    TasksResource,
    TeamsResource,
    ThreadsResource,
    TicketsResource,
    TimeEntriesResource,
    UploadsResource,
    WebhooksResource,
)
from worker.desk.resources.presence import PresenceResource
from worker.desk.resources.tags import TagsResource
from worker.desk.retry import RetryPolicy
from worker.desk.transport import Transport


class DeskClient:
    def __init__(
        self,
        config: DeskConfig,
        redis: redis_lib.Redis,
        org_id: str,
        *,
        http: httpx.Client | None = None,
        tokens: TokenProvider | None = None,
        budget: Budget | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.org_id = str(org_id)
        self.transport = Transport(config, redis, self.org_id, http=http, tokens=tokens, budget=budget, policy=policy)
        t = self.transport
        self.tickets = TicketsResource(t)
        self.threads = ThreadsResource(t)
        self.comments = CommentsResource(t)
        self.attachments = AttachmentsResource(t)
        self.time_entries = TimeEntriesResource(t)
        self.contacts = ContactsResource(t)
        self.accounts = AccountsResource(t)
        self.tasks = TasksResource(t)
        self.agents = AgentsResource(t)
        self.departments = DepartmentsResource(t)
        self.uploads = UploadsResource(t)
        self.contracts = ContractsResource(t)
        self.searches = SearchesResource(t)
        self.mail_reply_addresses = MailReplyAddressesResource(t)
        self.organizations = OrganizationsResource(t)
        self.teams = TeamsResource(t)
        self.fields = FieldsResource(t)
        self.layouts = LayoutsResource(t)
        self.history = HistoryResource(t)
        self.tags = TagsResource(t)
        self.presence = PresenceResource(t)
        self.webhooks = WebhooksResource(t)

    @property
    def tokens(self) -> TokenProvider:
        return self.transport.tokens

    @property
    def budget(self) -> Budget:
        return self.transport.budget

    def __repr__(self) -> str:
        return f"DeskClient(org_id={self.org_id!r}, api_root={self.transport.config.api_root!r})"

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> DeskClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

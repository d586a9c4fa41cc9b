"""Everything one sandbox process serves: the desk, the accounts server, limits, faults and the write log."""

from __future__ import annotations

from dataclasses import dataclass, field

from sandbox.activity_control import ActivityRunner
from sandbox.faults import Faults
from sandbox.limits import Limits, OrgLimits
from sandbox.oauth import AuthServer, Client
from sandbox.state import Desk, Org
from sandbox.webhooks.hub import Webhooks
from sandbox.writelog import WriteLog

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


@dataclass
class Credentials:
    """The OAuth client and refresh token printed at start, ready for deskpilot's settings."""

    client_id: str
    client_secret: str
    refresh_token: str


@dataclass
class Sandbox:
    desk: Desk
    auth: AuthServer
    limits: Limits = field(default_factory=Limits)
    faults: Faults = field(default_factory=Faults)
    writes: WriteLog = field(default_factory=WriteLog)
    max_attachment_bytes: int = MAX_ATTACHMENT_BYTES
    client: Client | None = None
    credentials: Credentials | None = None
    control_token: str | None = None  # when set, every /_sandbox/ control needs it (X-Sandbox-Token)
    activity: ActivityRunner = field(init=False)
    webhooks: Webhooks = field(init=False)

    def __post_init__(self) -> None:
        self.activity = ActivityRunner(self.desk)
        self.webhooks = Webhooks(self.desk)

    @classmethod
    def create(cls, desk: Desk) -> Sandbox:
        return cls(desk=desk, auth=AuthServer(clock=desk.clock))

    def org_limits(self, org: Org) -> OrgLimits:
        limits = self.limits.orgs.get(org.id)
        if limits is None:
            limits = OrgLimits.for_edition(org.edition, agents=len(org.agents))
            self.limits.orgs[org.id] = limits
        return limits

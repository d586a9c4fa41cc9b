"""The schema of messages to people and systems outside the Desk: `notify` (a webhook to a named target) and
`email` (through the SMTP server of the settings), and the `notify_targets:` a rule file declares.

A target is declared once, by name, and actions name it. Its URL is written (`url:`) or read from an environment
variable (`url_env:`, for URLs that embed a secret, like Slack's incoming webhooks); the signing secret is only
ever named (`secret_env:`), never written: both variables are read by the workers at delivery time.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Discriminator, Field, Tag, field_validator, model_validator

from worker.engine.schema_types import EMAIL, AgentRef, Scalar, StrictModel, Text, invalid

NOTIFY_FORMATS = ("json", "slack")
ASSIGNEE = "assignee"
TEMPLATE_MARKERS = ("{{", "{%")
TARGET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _env_name(value: str) -> str:
    if not ENV_NAME.fullmatch(value):
        raise invalid(f"expected the name of an environment variable (letters, digits, '_'), got {value!r}")
    return value


EnvName = Annotated[str, AfterValidator(_env_name)]


class NotifyTarget(StrictModel):
    """Where `notify` actions naming this target deliver, and how."""

    url: str | None = Field(None, description="the receiver's http(s) URL")
    url_env: EnvName | None = Field(None, description="or: the environment variable that holds the URL")
    secret_env: EnvName | None = Field(
        None, description="the environment variable holding the HMAC-SHA256 signing secret (never the secret itself)"
    )
    format: Literal["json", "slack"] = Field(
        "json", description="json: deskpilot's JSON envelope; slack: a Slack-compatible {text} message"
    )

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise invalid(f"expected an http(s) URL with a host, got {value!r}")
        return value

    @model_validator(mode="after")
    def _one_url(self) -> NotifyTarget:
        if (self.url is None) == (self.url_env is None):
            raise invalid("a notify target takes either url or url_env (the environment variable holding the URL)")
        return self


class NotifyParams(StrictModel):
    target: Text = Field(min_length=1, description="a name declared under notify_targets:")
    text: str = Field(min_length=1, description="a template: the message")
    fields: dict[str, Scalar] | None = Field(
        None, description="json targets only: extra values (strings may be templates) sent under 'fields'"
    )


def _address(value: Any) -> Any:
    templated = isinstance(value, str) and any(marker in value for marker in TEMPLATE_MARKERS)
    if isinstance(value, str) and value != ASSIGNEE and not EMAIL.fullmatch(value) and not templated:
        raise invalid(
            f"expected 'assignee', an email address (may be a template), {{agent: ...}} or {{team: ...}}, got {value!r}"
        )
    return value


class AgentRecipient(StrictModel):
    agent: AgentRef


class TeamRecipient(StrictModel):
    team: Text = Field(min_length=1, description="a team's name or id; its members get the mail")


def _recipient_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return "address"
    if isinstance(value, dict) and len(value) == 1:
        return str(next(iter(value)))
    if isinstance(value, (AgentRecipient, TeamRecipient)):
        return "agent" if isinstance(value, AgentRecipient) else "team"
    return None


Recipient = Annotated[
    Annotated[Annotated[str, AfterValidator(_address)], Tag("address")]
    | Annotated[AgentRecipient, Tag("agent")]
    | Annotated[TeamRecipient, Tag("team")],
    Discriminator(
        _recipient_tag,
        custom_error_type="recipient_shape",
        custom_error_message="expected 'assignee', an email address, {agent: ID or EMAIL} or {team: NAME}",
    ),
]


def _one_or_many_schema(schema: dict[str, Any]) -> None:
    """`to` takes one recipient or a list of them: say so to editors, as the validator below accepts it."""
    one = schema.pop("items")
    many = {"type": schema.pop("type"), "items": one, "minItems": schema.pop("minItems")}
    schema["anyOf"] = [one, many]


class EmailParams(StrictModel):
    to: list[Recipient] = Field(
        min_length=1,
        description="'assignee' (the ticket's), an address, {agent: ID or EMAIL}, {team: NAME}, or a list of them",
        json_schema_extra=_one_or_many_schema,
    )
    subject: str = Field(min_length=1, description="a template")
    body: str = Field(min_length=1, description="a template: the plain-text body")

    @field_validator("to", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, (str, dict)) else value


class NotifyAction(StrictModel):
    notify: NotifyParams


class EmailAction(StrictModel):
    email: EmailParams


def check_target_name(name: str) -> str | None:
    """Why `name` cannot name a target (None: it can)."""
    if TARGET_NAME.fullmatch(name):
        return None
    return f"invalid target name {name!r}: expected letters, digits, '-', '_' and '.', starting with a letter or digit"

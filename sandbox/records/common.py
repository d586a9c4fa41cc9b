"""What every record builder shares: the API root for links, timestamps, the Desk's string numbers, authors.

Builders take the API's own camelCase field names as keyword arguments (so a handler can pass a validated body
straight through) and `at`, the moment the record comes into being (the sandbox clock's now when omitted; the
seed passes moments in the past).
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from sandbox.clock import format_time
from sandbox.state import Org, Record

API_ROOT = "https://desk.zoho.com/api/v1"
PORTAL_ROOT = "https://desk.zoho.com/support"
SUMMARY_LENGTH = 200

_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def stamp(org: Org, at: datetime | None) -> str:
    """The Desk's timestamp text for `at`, or for the sandbox's now."""
    return format_time(at) if at is not None else org.now_text()


def count_text(value: Any) -> str:
    """Counts and whole numbers travel as strings: 3 -> "3"."""
    return str(int(value or 0))


def amount_text(value: Any) -> str | None:
    """Money and rates travel as decimal strings: 3 -> "3.0"; empty stays null."""
    return None if value is None or value == "" else str(float(value))


def summarize(content: str | None) -> str | None:
    """A thread's summary: its text without markup, whitespace collapsed, cut at SUMMARY_LENGTH characters."""
    if content is None:
        return None
    if "<" in content or "&" in content:
        content = html.unescape(_TAGS.sub(" ", content))
    text = _SPACES.sub(" ", content).strip()
    return text[:SUMMARY_LENGTH]


def full_name(first: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, last) if part)


def agent_author(agent: Record) -> Record:
    """How an agent appears as a thread author or commenter."""
    return {
        "photoURL": f"{API_ROOT}/agent/{agent['id']}/photo",
        "name": full_name(agent.get("firstName"), agent.get("lastName")),
        "type": "AGENT",
        "email": agent.get("emailId"),
    }


def contact_author(contact: Record) -> Record:
    """How a contact (an end user) appears as a thread author."""
    return {
        "photoURL": contact.get("photoURL"),
        "name": full_name(contact.get("firstName"), contact.get("lastName")),
        "type": "END_USER",
        "email": contact.get("email"),
    }


def file_ref(upload: Record, href: str) -> Record:
    """An attachment as threads and comments list it. The id is the upload's: its bytes stay in org.uploads."""
    return {"size": upload["size"], "name": upload["name"], "id": upload["id"], "href": href}

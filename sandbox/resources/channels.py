"""GET /channels and GET /channels/{code}: the channels tickets arrive on (Desk.basic.READ).

From the vendor's spec (Channel.json): each channel has code, name, type (SYSTEM, INTEGRATION, INSTANT_MESSAGE),
appName, departmentId, externalId, mappedIntegration, photoURL, acceptsReplies and replyConfig {updateRecords,
acceptsAttachments, contentTypes, includeQuotedMessage}; the list is {"data": [...]} and always 200 (no paging).
Choices: the sandbox serves the SYSTEM channels its tickets use (the codes its threads carry); an unknown code is
404. Replies are accepted on EMAIL, FACEBOOK, TWITTER and FORUMS (threads.REPLY_CHANNELS); only EMAIL takes
attachments and HTML.
"""

from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, ok
from sandbox.errors import not_found
from sandbox.records import THREAD_CHANNELS
from sandbox.resources.threads import REPLY_CHANNELS
from sandbox.state import Record

SCOPES = ("Desk.basic.READ",)


def channel_view(name: str, code: str) -> Record:
    email = code == "EMAIL"
    return {
        "code": code,
        "name": name,
        "type": "SYSTEM",
        "appName": None,
        "departmentId": None,
        "externalId": None,
        "mappedIntegration": None,
        "photoURL": None,
        "acceptsReplies": code in REPLY_CHANNELS,
        "replyConfig": {
            "updateRecords": False,
            "acceptsAttachments": email,
            "contentTypes": ["text/plain", "text/html"] if email else ["text/plain"],
            "includeQuotedMessage": email,
        },
    }


def all_channels() -> list[Record]:
    return [channel_view(name, code) for name, code in THREAD_CHANNELS.items()]


def list_channels(call: Call) -> Reply:
    return ok({"data": all_channels()})


def get_channel(call: Call) -> Reply:
    code = call.path["code"].upper()
    for channel in all_channels():
        if channel["code"] == code:
            return ok(channel)
    raise not_found()


ENDPOINTS = [
    Endpoint("GET", "/channels", list_channels, SCOPES),
    Endpoint("GET", "/channels/{code}", get_channel, SCOPES),
]

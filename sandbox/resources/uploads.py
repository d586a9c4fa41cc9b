"""POST /uploads: a temporary file that other writes attach by id (attachmentIds) within 24 hours.

Also the multipart reading every file endpoint shares (`read_file`): the `file` part must be there, and its
measured size (never the Content-Length, which may be absent or lie) must be within the sandbox's limit.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import UploadFile

from sandbox.api import Call, Endpoint, Reply, ok
from sandbox.errors import ApiError, invalid_data
from sandbox.records import new_upload
from sandbox.state import Org, Record, public

SCOPES = ("Desk.basic.CREATE",)
FILE_FIELD = "file"


def too_large() -> ApiError:
    return ApiError(413, "RESOURCE_SIZE_EXCEEDED", "The file size exceeds the permissible limit.")


def read_file(call: Call) -> tuple[str, bytes]:
    """The multipart `file` part's name and bytes. A part without a filename is a plain field, not a file."""
    part = call.form.get(FILE_FIELD) if call.form is not None else None
    if part is None:
        raise invalid_data((FILE_FIELD, "missing"))
    if not isinstance(part, UploadFile) or not part.filename:
        raise invalid_data((FILE_FIELD, "invalid"))
    limit = call.sandbox.max_attachment_bytes
    content = part.file.read(limit + 1)
    if len(content) > limit:
        raise too_large()
    return part.filename, content


def take_upload(org: Org, upload_id: str, field: str = "attachmentIds") -> Record:
    """The upload a write attaches by id; unknown or older than 24 hours (by the sandbox clock) is invalid."""
    upload = org.uploads.get(upload_id)
    if upload is None or upload["_expiresAt"] <= org.now():
        raise invalid_data((field, "invalid"))
    return upload


def take_uploads(org: Org, upload_ids: Iterable[str], field: str = "attachmentIds") -> list[Record]:
    return [take_upload(org, upload_id, field) for upload_id in upload_ids]


def create_upload(call: Call) -> Reply:
    """200 with the upload, as the vendor's spec answers (the seed shows no status)."""
    name, content = read_file(call)
    upload = new_upload(call.org, name=name, creatorId=call.agent["id"], content=content)
    call.org.uploads[upload["id"]] = upload
    return ok(public(upload))


ENDPOINTS = [
    Endpoint("POST", "/uploads", create_upload, SCOPES, body="multipart"),
]

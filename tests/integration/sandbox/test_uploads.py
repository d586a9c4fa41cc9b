"""POST /uploads over real HTTP: the temporary file, its limits, and attaching it by id until it expires."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.sandbox.desk_support import chunked_multipart, seeded_tickets, set_max_attachment_bytes
from tests.integration.sandbox.helpers import api, last_write

# The seed's example answer (POST /api/v1/uploads).
UPLOAD_KEYS = {"size", "creatorId", "name", "createdTime", "isPublic", "id", "href"}
DAY_S = 24 * 3600


@pytest.fixture(scope="module")
def ticket_id(client: httpx.Client) -> str:
    return seeded_tickets(client)[0]["id"]


def upload(client: httpx.Client, name: str = "zoho.jpeg", content: bytes = b"\xff\xd8 picture") -> httpx.Response:
    return client.post("/uploads", files={"file": (name, content, "image/jpeg")})


def test_upload_answers_the_example_shape_and_is_logged(desk, client):
    # given a file  # when it is uploaded as the seed's curl example does
    answer = upload(client)
    # then
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == UPLOAD_KEYS
    assert body["name"] == "zoho.jpeg" and body["size"] == str(len(b"\xff\xd8 picture")) and body["isPublic"] is False
    assert body["href"].endswith(f"/uploads/{body['id']}/contents") and body["creatorId"].isdigit()
    assert body["createdTime"].endswith("Z")
    write = last_write(desk)
    assert (write["method"], write["path"], write["status"]) == ("POST", "/api/v1/uploads", 200)
    assert write["body"] == {"file": "zoho.jpeg"}


def test_upload_without_file_part_names_the_field(client):
    answer = client.post("/uploads", files={"note": (None, "no file here")})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"fieldName": "/file", "errorType": "missing"}]


def test_upload_of_json_is_unsupported_media_type(client):
    answer = client.post("/uploads", json={"file": "abc"})
    assert answer.status_code == 415 and answer.json()["errorCode"] == "UNSUPPORTED_MEDIA_TYPE"


def test_upload_too_large_is_refused_by_its_measured_size(desk, client):
    # given a 1 KB limit
    set_max_attachment_bytes(desk, 1024)
    try:
        # when a larger file comes without Content-Length (chunked), and a smaller one
        body, headers = chunked_multipart("big.bin", b"x" * 5000)
        too_big = client.post("/uploads", content=body, headers=headers)
        small = upload(client, "small.bin", b"y" * 512)
    finally:
        set_max_attachment_bytes(desk, 20 * 1024 * 1024)
    # then
    assert too_big.status_code == 413 and too_big.json()["errorCode"] == "RESOURCE_SIZE_EXCEEDED"
    assert small.status_code == 200


def test_comment_attaches_an_upload_by_id(client, ticket_id):
    # given an upload
    upload_id = upload(client, "Attachment.png").json()["id"]
    # when a comment names it
    answer = client.post(f"/tickets/{ticket_id}/comments", json={"content": "see file", "attachmentIds": [upload_id]})
    # then
    assert answer.status_code == 200
    [attached] = answer.json()["attachments"]
    assert attached["id"] == upload_id and attached["name"] == "Attachment.png"


def test_unknown_upload_id_is_invalid(client, ticket_id):
    answer = client.post(f"/tickets/{ticket_id}/comments", json={"content": "x", "attachmentIds": ["12345"]})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"fieldName": "/attachmentIds", "errorType": "invalid"}]


def test_upload_expires_after_24_hours_of_sandbox_time(sandbox):
    # given an upload on a sandbox of its own, then a day and a second passing on its clock (tokens expire too)
    with api(sandbox) as client:
        upload_id = upload(client).json()["id"]
        ticket_id = seeded_tickets(client)[0]["id"]
    sandbox.control.post("/_sandbox/clock/advance", json={"seconds": DAY_S + 1})
    with api(sandbox) as client:
        # when a comment names it
        answer = client.post(f"/tickets/{ticket_id}/comments", json={"content": "late", "attachmentIds": [upload_id]})
    # then
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"fieldName": "/attachmentIds", "errorType": "invalid"}]

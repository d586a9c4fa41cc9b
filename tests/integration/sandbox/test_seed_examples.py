"""Every request example of the seed (desk-api-v1.zh.txt), as extracted into tests/fixtures/seed_examples.json
(tests/fixtures/extract_seed_examples.py), replayed against a sandbox.

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
attachment-PATCH example (dropped at extraction), the brand placeholder in hosts and keys, the masked addresses
("[email protected]"), the expired-token example (replayed with a token made to expire), the deprecated
authtoken example (replayed with the OAuth scheme, as every example is), the accounts server's OAuth examples
(replayed with the sandbox's client). The contracts heading's doubled braces (`/contracts/{{contract_id}}`) are in
a heading only: its example is clean.
What cannot be replayed is listed in EXCLUDED with the reason, and the counts are asserted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from tests.integration.sandbox.seed_examples import Example, Replayer, load_seed, shape_differences
from tests.support.sandbox import SandboxProcess

EXAMPLES = load_seed().examples
CURL_EXAMPLES = [example for example in EXAMPLES if example.kind == "curl"]
ACCOUNTS_EXAMPLES = [example for example in EXAMPLES if example.kind == "accounts"]

# What the reference asks that cannot be replayed: line -> reason. Nothing else is left out.
EXCLUDED: dict[int, str] = {
    line: "the deprecated authtoken endpoint (accounts server /apiauthtoken/nb/create): a bare URL with no request "
    "or answer shown; the Desk has retired authtokens and the sandbox, like the Desk today, has no such endpoint"
    for line in load_seed().deprecated_endpoint_lines
}
EXPECTED_CURL_EXAMPLES = 74
EXPECTED_ACCOUNTS_EXAMPLES = 3
EXPECTED_BY_SHOWN = {"json": 57, "status": 13, "none": 4}  # curl examples by what the seed shows as the answer

# The accounts server's examples show no answer; the token answer's fields are the real service's (desk-api.md).
TOKEN_KEYS = {"access_token", "expires_in", "api_domain", "token_type"}
CODE_TOKEN_KEYS = TOKEN_KEYS | {"refresh_token"}

# Body values an example must change to be valid on the seeded desk: line -> ({field: value}, why).
VALUE_CHANGES: dict[int, tuple[dict[str, Any], str]] = {
    2852: (
        {"accountName": "Zylker Replayed"},
        "the seeded desk has an account named Zylker already, and the sandbox refuses a duplicate accountName "
        "(422 INVALID_DATA duplicate)",
    ),
}

TICKETS_PER_ORG = 30  # seeded per org in this module's sandbox (conftest.py)


def _params(examples: list[Example]) -> list[Any]:
    return [pytest.param(example, id=example.test_id) for example in examples]


# the sandbox, and what it holds ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def replayer(desk: SandboxProcess) -> Iterator[Replayer]:
    replayer = Replayer(desk, {line: changes for line, (changes, _) in VALUE_CHANGES.items()})
    yield replayer
    replayer.close()


def describe(example: Example, request: httpx.Request, answer: httpx.Response, problems: list[str]) -> str:
    body = request.content.decode(errors="replace")[:400] if request.content else ""
    return "\n".join(
        [
            f"doc line {example.line}: {example.method} {example.path} {example.query or ''}",
            f"replayed: {request.method} {request.url} {body}",
            f"answer: {answer.status_code} {answer.text[:600]}",
            f"seed shows: {example.shown.text[:400]}",
            *problems,
        ]
    )


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
        if answer.status_code != example.shown.status:
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
    sandbox_values = {
        "client_id": desk.client_id,
        "client_secret": desk.client_secret,
        "redirect_uri": redirect_uri,
        "refresh_token": desk.refresh_token,
    }
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
    check = httpx.get(
        f"{desk.api_root}/tickets",
        params={"limit": 1},
        headers={"Authorization": f"Zoho-oauthtoken {answer.json()['access_token']}", "orgId": desk.org_ids[0]},
    )
    assert check.status_code == 200, check.text  # Desk.tickets.READ, as the example's scope asks


def _authorization_code(desk: SandboxProcess, redirect_uri: str) -> str:
    redirect = httpx.get(
        f"{desk.accounts_url}/oauth/v2/auth",
        params={
            "response_type": "code",
            "client_id": desk.client_id,
            "scope": "Desk.tickets.READ,Desk.basic.READ",
            "redirect_uri": redirect_uri,
            "access_type": "offline",
        },
    )
    return dict(parse_qsl(urlsplit(redirect.headers["location"]).query))["code"]


def test_every_example_is_replayed_or_excluded():
    replayed = len(CURL_EXAMPLES) + len(ACCOUNTS_EXAMPLES)
    assert replayed == 77 and len(EXCLUDED) == 1
    lines = {example.line for example in CURL_EXAMPLES}
    assert set(VALUE_CHANGES) <= lines

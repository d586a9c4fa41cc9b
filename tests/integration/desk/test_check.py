"""`deskpilot check` against the sandbox: one line per check, exit 0 only when all pass, never a secret."""

from __future__ import annotations

import argparse
import io

from config.settings import Settings
from tests.integration.desk.conftest import desk_settings, limited_refresh_token
from tests.support.ports import free_port
from worker.cli import check


def run_check(settings: Settings, scopes: list[str] | None = None) -> tuple[int, list[str]]:
    out = io.StringIO()
    status = check.run(argparse.Namespace(scopes=scopes), out=out, settings=settings)
    return status, out.getvalue().splitlines()


def test_given_a_good_deployment_then_every_check_passes_and_exit_is_0(settings, sandbox):
    status, lines = run_check(settings)
    assert status == 0, lines
    names = [line.split("]")[1].split(":")[0].strip() for line in lines[:-1]]
    assert names[:3] == ["settings", "redis", "token"]
    assert [n for n in names if n.startswith("org ")] == [f"org {o}" for o in sandbox.org_ids]
    probed = {*check.REQUIRED_SCOPES, "Desk.tickets.CREATE"}  # and what the shipped rules' add_tags needs
    assert {n for n in names if n.startswith("scope ")} == {f"scope {s}" for s in probed}
    assert all(line.startswith("[ok  ]") for line in lines[:-1])
    text = "\n".join(lines)
    for secret in (settings.client_secret.get_secret_value(), settings.refresh_token.get_secret_value()):
        assert secret not in text


def test_given_an_org_id_the_token_does_not_have_then_that_line_fails_with_the_fix(sandbox, redis_server):
    settings = desk_settings(sandbox, redis_server, org_ids=[sandbox.org_ids[0], "424242"])
    status, lines = run_check(settings, scopes=["Desk.tickets.READ"])
    assert status == 1
    failed = [line for line in lines if line.startswith("[FAIL]")]
    assert len(failed) == 1 and "org 424242" in failed[0] and "DESKPILOT_ORG_IDS" in failed[0]
    assert any(line.startswith("[ok  ] scope Desk.tickets.READ") for line in lines)


def test_given_a_refresh_token_missing_scopes_then_each_missing_scope_fails(sandbox, redis_server):
    token = limited_refresh_token(sandbox, ["Desk.basic.READ", "Desk.tickets.READ", "Desk.search.READ"])
    settings = desk_settings(sandbox, redis_server, refresh_token=token)
    status, lines = run_check(settings)
    assert status == 1
    failed = sorted(line.split("]")[1].split(":")[0].strip() for line in lines if line.startswith("[FAIL]"))
    assert failed == [
        "scope Desk.contacts.READ",
        "scope Desk.settings.READ",
        "scope Desk.tasks.CREATE",
        "scope Desk.tasks.READ",
        "scope Desk.tickets.CREATE",  # the shipped rules' add_tags (rules/vip.yaml)
        "scope Desk.tickets.UPDATE",
    ]
    assert all("mint a refresh token whose scope list includes" in line for line in lines if line.startswith("[FAIL]"))


def test_given_a_bad_refresh_token_then_the_token_check_fails_and_stops_there(sandbox, redis_server):
    settings = desk_settings(sandbox, redis_server, refresh_token="1000.deadbeef.cafe")
    status, lines = run_check(settings)
    assert status == 1
    assert lines[2].startswith("[FAIL] token: invalid_code") and "DESKPILOT_REFRESH_TOKEN" in lines[2]
    assert "1000.deadbeef.cafe" not in "\n".join(lines)
    assert len(lines) == 4  # settings, redis, token, summary


def test_given_no_redis_then_the_redis_check_fails(sandbox, redis_server):
    settings = desk_settings(sandbox, redis_server, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    status, lines = run_check(settings)
    assert status == 1 and lines[1].startswith("[FAIL] redis:") and "DESKPILOT_REDIS_URL" in lines[1]


def test_given_missing_settings_then_the_settings_check_names_them():
    status, lines = run_check(Settings(_env_file=None, client_id="", org_ids=[]))
    assert status == 1
    assert lines[0].startswith("[FAIL] settings: missing DESKPILOT_CLIENT_ID, DESKPILOT_CLIENT_SECRET")
    assert "DESKPILOT_ORG_IDS" in lines[0]


def test_register_adds_the_check_command():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    check.register(sub)
    args = parser.parse_args(["check", "--scope", "Desk.tickets.READ"])
    assert args.handler is check.run and args.scopes == ["Desk.tickets.READ"]


def test_given_runs_of_check_then_they_share_one_token_and_never_exhaust_the_mint_limit(settings, sandbox):
    # Given 12 runs (the accounts server mints at most 10 tokens per refresh token per 10 minutes)
    for _ in range(12):
        status, lines = run_check(settings, scopes=["Desk.tickets.READ"])
        assert status == 0, lines
    # Then one token was minted and shared through Redis, as the service's own
    assert sandbox.control.get("/_sandbox/tokens/stats").json()["minted"] == 1
    assert "the shared access token in Redis is valid" in lines[2]


def test_given_a_redis_password_then_check_never_prints_it(sandbox, redis_server):
    redis_server.client().config_set("requirepass", "s3cret-pass")
    url = f"redis://:s3cret-pass@127.0.0.1:{redis_server.port}/0"
    status, lines = run_check(desk_settings(sandbox, redis_server, redis_url=url), scopes=["Desk.tickets.READ"])
    assert status == 0, lines
    wrong = f"redis://:wrong-pass@127.0.0.1:{redis_server.port}/0"
    status, failed = run_check(desk_settings(sandbox, redis_server, redis_url=wrong))
    assert status == 1 and failed[1].startswith("[FAIL] redis:")
    text = "\n".join(lines + failed)
    assert "s3cret-pass" not in text and "wrong-pass" not in text and f"127.0.0.1:{redis_server.port}" in text

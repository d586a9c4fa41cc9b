"""The operations console in a real headless Chromium (Debian's, through chromedriver), against a running deployment:
sandbox Desk, redis-server, a scheduler serving the console, a worker. One browser and one deployment for the module.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.scenarios import COMMENT_ON_HIGH, open_tickets, raise_priority, wait_backfilled
from tests.support.pipeline import Pipeline, wait_until
from tests.support.ports import free_port

pytestmark = pytest.mark.e2e
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
BROWSER_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
PAGES = ("/", "/rules", "/ticket", "/sla", "/dead-letters", "/feed")

webdriver = pytest.importorskip("selenium.webdriver", reason="pip install selenium (the test extra)")
from selenium.webdriver.common.by import By  # noqa: E402


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Iterator[Pipeline]:
    port = free_port()
    env = {
        "DESKPILOT_CONSOLE_PORT": str(port),
        "DESKPILOT_MESSAGE_MAX_RETRIES": "0",  # a failed act message is a dead letter at once
        "DESKPILOT_DESK_RETRY_ATTEMPTS": "1",
    }
    started = Pipeline(root=tmp_path_factory.mktemp("console-e2e"), rules=COMMENT_ON_HIGH, extra_env=env).start()
    started.console_url = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    try:
        wait_backfilled(started)
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("apt-get install chromium chromium-driver (./bootstrap.sh test installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in BROWSER_ARGS:
        options.add_argument(arg)
    profile = tempfile.mkdtemp(prefix="console-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def errors(browser) -> list[dict]:
    return [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def page_text(browser) -> str:
    return browser.find_element(By.TAG_NAME, "body").text


def test_pages_render_without_console_errors_and_the_ticket_view_explains(deployment, browser):
    url = deployment.console_url
    for path in PAGES:
        browser.get(url + path)
        assert browser.find_element(By.TAG_NAME, "h1").text, path
    assert errors(browser) == []
    ticket = open_tickets(deployment, 1)[0]
    raise_priority(deployment, [ticket["id"]])
    wait_until(lambda: _done_actions(deployment, ticket["id"]), 60, "the rule's comment to be done")
    browser.get(url + "/ticket")
    browser.find_element(By.ID, "q").send_keys(ticket["id"])
    browser.find_element(By.CSS_SELECTOR, "form.inline button").click()
    timeline = wait_until(lambda: _element_text(browser, "timeline"), 10, "the timeline")
    assert "note-high-priority" in timeline and "fired" in timeline
    assert "comment" in timeline and "done" in timeline
    assert "priority" in timeline  # the change that triggered it
    assert errors(browser) == []


def test_a_dead_letter_is_retried_from_the_page_and_then_done(deployment, browser):
    org = deployment.sandbox.org_ids[0]
    ticket = open_tickets(deployment, 1)[0]
    deployment.sandbox.control.post(
        "/_sandbox/faults", json={"errorRate": 1.0, "pathContains": "/comments", "orgId": org}
    ).raise_for_status()
    try:
        raise_priority(deployment, [ticket["id"]])
        wait_until(lambda: deployment.store().dead_letters.list(), 60, "the failed comment to be a dead letter")
    finally:
        deployment.sandbox.control.delete("/_sandbox/faults").raise_for_status()
    browser.get(deployment.console_url + "/dead-letters")
    assert "act" in page_text(browser)
    browser.find_element(By.CSS_SELECTOR, "button.retry").click()
    assert "1 sent again" in wait_until(lambda: _element_text(browser, "retried"), 10, "the retry's answer")
    wait_until(lambda: _done_actions(deployment, ticket["id"]), 60, "the retried comment to be done")
    assert deployment.store().dead_letters.list() == []
    assert errors(browser) == []


def test_the_live_feed_shows_a_new_event_within_seconds(deployment, browser):
    browser.get(deployment.console_url + "/feed")
    wait_until(lambda: _element_text(browser, "feed-state") == "live", 10, "the feed to connect")
    ticket = open_tickets(deployment, 1)[0]
    raise_priority(deployment, [ticket["id"]])
    rows = browser.find_element(By.ID, "feed")
    wait_until(lambda: ticket["id"] in rows.text, 30, "the ticket's rule in the live feed")
    assert errors(browser) == []


def test_a_non_loopback_bind_without_a_token_is_refused(deployment):
    env = {**deployment.env(), "DESKPILOT_CONSOLE_HOST": "0.0.0.0", "DESKPILOT_CONSOLE_PORT": str(free_port())}
    env.pop("DESKPILOT_CONSOLE_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "-m", "worker.cli", "scheduler"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "DESKPILOT_CONSOLE_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_the_scheduler_stops_cleanly_with_a_live_feed_open(deployment, browser):
    browser.get(deployment.console_url + "/feed")
    wait_until(lambda: _element_text(browser, "feed-state") == "live", 10, "the feed to connect")
    deployment.scheduler.send_signal(signal.SIGTERM)
    assert deployment.scheduler.wait(timeout=30) == 0


def _done_actions(deployment: Pipeline, ticket_id: str) -> list[str]:
    store = deployment.store()
    return [
        entry["action"]
        for entry in store.audit.query(ticket=ticket_id)
        if entry["entry"] == "action" and entry.get("outcome") == "done"
    ]


def _element_text(browser, element_id: str) -> str:
    found = browser.find_elements(By.ID, element_id)
    return found[0].text if found else ""

"""A real sandbox Desk for tests: `python -m sandbox` in a child process on a free 127.0.0.1 port, its controls
guarded by a control token of the test's own (so every test goes through the guard, as an exposed sandbox does)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field

import httpx

from tests.support.ports import PortTaken, start_on_free_port

START_TIMEOUT_S = 60.0


@dataclass
class SandboxProcess:
    seed: int = 1
    orgs: int = 2
    tickets: int = 50
    extra_args: tuple[str, ...] = ()
    port: int = 0
    process: subprocess.Popen | None = None
    org_ids: list[str] = field(default_factory=list)
    client_id: str = ""
    client_secret: str = ""
    refresh_token: str = ""
    control: httpx.Client | None = None
    control_token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    # A sandbox shared by a whole session serves many tests: minting for each would spend the refresh token's
    # 10 mints per 10 minutes, as on the Desk. Such a sandbox hands out one token (tests must not revoke it).
    reuse_token: bool = False
    _token: str = ""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_root(self) -> str:
        return f"{self.base_url}/api/v1"

    @property
    def accounts_url(self) -> str:
        return self.base_url

    def start(self) -> SandboxProcess:
        """On its port when one is set, else on the first free one it could bind."""
        if self.port:
            return self._start_on(self.port)
        return start_on_free_port(self._start_on)

    def _start_on(self, port: int) -> SandboxProcess:
        self.port = port
        command = [
            sys.executable,
            "-m",
            "sandbox",
            "--port",
            str(self.port),
            "--seed",
            str(self.seed),
            "--orgs",
            str(self.orgs),
            "--tickets",
            str(self.tickets),
            *self.extra_args,
        ]
        env = {**os.environ, "SANDBOX_CONTROL_TOKEN": self.control_token}
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.control = httpx.Client(
            base_url=self.base_url, timeout=10.0, headers={"X-Sandbox-Token": self.control_token}
        )
        info = self._wait_ready()
        self.org_ids = info["orgIds"]
        self.client_id = info["clientId"]
        self.client_secret = info["clientSecret"]
        self.refresh_token = info["refreshToken"]
        return self

    def _wait_ready(self) -> dict:
        """Its info, once it answers with this test's control token (another sandbox on a port this one could not
        take refuses the token, so it is never taken for this one)."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            self._raise_if_exited()
            try:
                answer = self.control.get("/_sandbox/info")
                if answer.status_code == 200:
                    return answer.json()
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("sandbox did not start in time")
            time.sleep(0.05)

    def _raise_if_exited(self) -> None:
        if self.process is None or self.process.poll() is None:
            return
        said = self.process.stderr.read().decode(errors="replace")[-2000:] if self.process.stderr else ""
        self.control.close()
        if "address already in use" in said or "the port is in use" in said:  # uvicorn's, or the sandbox's own
            raise PortTaken(f"port {self.port} is taken")
        raise RuntimeError(f"sandbox exited: {said}")

    def access_token(self) -> str:
        """Mint an access token with the printed credentials, as a client would (once, with `reuse_token`)."""
        if not (self.reuse_token and self._token):
            self._token = self._mint()
        return self._token

    def _mint(self) -> str:
        answer = httpx.post(
            f"{self.accounts_url}/oauth/v2/token",
            params={
                "grant_type": "refresh_token",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "refresh_token": self.refresh_token,
            },
        ).json()
        return answer["access_token"]

    def stop(self) -> None:
        if self.control is not None:
            self.control.close()
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

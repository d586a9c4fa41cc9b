"""Starts and stops the activity generator on the server's event loop (for /_sandbox/activity and --activity)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sandbox.activity import ActivityGenerator
from sandbox.state import Desk


@dataclass
class ActivityRunner:
    desk: Desk
    generator: ActivityGenerator | None = None
    _task: asyncio.Task | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    def start(self, rate_per_s: float, seed: int = 1, org_ids: list[str] | None = None) -> None:
        """(Re)start the generator at a new rate (on some orgs only, if given); the previous run is stopped first."""
        self.stop()
        self._stop = asyncio.Event()
        self.generator = ActivityGenerator(self.desk, seed=seed, rate_per_s=rate_per_s, org_ids=org_ids)
        self._task = asyncio.get_running_loop().create_task(self.generator.run(self._stop))

    def stop(self) -> None:
        self._stop.set()
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    def stats(self) -> dict:
        running = self._task is not None and not self._task.done()
        return {"running": running, **(self.generator.stats() if self.generator else {})}

"""The demo's live feed: one line per rule that fired and per action finished, read from the audit stream."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from worker.store import Store
from worker.store.replies import stream_batches

BLOCK_MS = 500


def describe(entry: dict) -> str | None:
    """A short line for a feed entry, or None for entries not worth showing (rules that did not match)."""
    if entry["entry"] == "action":
        detail = f" ({entry['detail']})" if entry.get("detail") else ""
        return f"  -> {entry['type']:<10} ticket {entry['ticket']:<20} {entry['outcome']}{detail}"
    verdict = entry.get("verdict") or {}
    if verdict.get("status") == "fired":
        return f"{entry.get('event_kind', ''):<17} ticket {entry['ticket']:<20} rule {entry['rule']} fired"
    return None


@dataclass
class Feed:
    store: Store
    write: Callable[[str], None]
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, name="demo-feed", daemon=True)
        thread.start()
        return thread

    def _run(self) -> None:
        last = "$"
        while not self.stop.is_set():
            try:
                batches = stream_batches(
                    self.store.redis.xread({self.store.keys.key("audit"): last}, block=BLOCK_MS, count=100)
                )
            except Exception:  # noqa: BLE001 - Redis stopping at the end of the demo, whatever it raises
                return
            for _, entries in batches:
                for entry_id, fields in entries:
                    last = entry_id
                    line = describe(_parse(fields))
                    if line:
                        self.write(line)


def _parse(fields: dict) -> dict:
    return {"entry": fields["entry"], **json.loads(fields["data"])}

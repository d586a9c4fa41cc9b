"""Every mutating API request the sandbox answered, so tests can count side effects exactly."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

MAX_ENTRIES = 200_000


@dataclass
class WriteLog:
    entries: list[dict[str, Any]] = field(default_factory=list)
    _seq: itertools.count = field(default_factory=lambda: itertools.count(1))

    def record(self, **entry: Any) -> None:
        entry["seq"] = next(self._seq)
        self.entries.append(entry)
        if len(self.entries) > MAX_ENTRIES:
            del self.entries[: len(self.entries) - MAX_ENTRIES]

    def since(self, seq: int) -> list[dict[str, Any]]:
        return [entry for entry in self.entries if entry["seq"] > seq]

    def clear(self) -> None:
        self.entries.clear()

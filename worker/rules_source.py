"""The running rule set, reloaded when the files change: a new set is validated whole before it replaces the old.

A broken edit (bad YAML, an unknown operator, a duplicate id) is refused with every problem logged, and the last
good set keeps running; the service never runs a half-loaded set.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from worker.engine.errors import RuleLoadError
from worker.engine.loader import check_rules, rule_files
from worker.engine.ruleset import RuleSet

log = structlog.get_logger(__name__)
Stamp = tuple[tuple[str, int, int], ...]


def stamp_of(path: Path) -> Stamp:
    """What identifies the current files: names, sizes and modification times."""
    try:
        files = rule_files(path)
    except FileNotFoundError:
        return ()
    stamps = []
    for name, file in files:
        try:
            info = file.stat()
        except OSError:
            continue
        stamps.append((name, info.st_size, info.st_mtime_ns))
    return tuple(stamps)


@dataclass
class RuleSource:
    path: Path
    reload_s: float = 5.0
    _rules: RuleSet | None = None
    _stamp: Stamp = ()
    _checked_at: float = 0.0
    _refused: Stamp | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def load(self) -> RuleSet:
        """The first load: a broken rule set here is fatal (RuleLoadError lists every problem)."""
        stamp = stamp_of(self.path)
        rules, problems = check_rules(self.path)
        if rules is None:
            raise RuleLoadError(problems)
        for problem in problems:
            log.warning("rules.warning", problem=str(problem))
        self._rules, self._stamp, self._checked_at = rules, stamp, time.monotonic()
        log.info("rules.loaded", rules=len(rules), version=rules.version, path=str(self.path))
        return rules

    def current(self) -> RuleSet:
        if self._rules is None:
            return self.load()
        if time.monotonic() - self._checked_at >= self.reload_s:
            with self._lock:
                self._maybe_reload()
        return self._rules

    def _maybe_reload(self) -> None:
        self._checked_at = time.monotonic()
        stamp = stamp_of(self.path)
        if stamp == self._stamp or stamp == self._refused:
            return
        rules, problems = check_rules(self.path)
        if rules is None:
            self._refused = stamp
            log.error("rules.refused", problems=[str(problem) for problem in problems if problem.is_error], kept=self._rules.version)
            return
        self._rules, self._stamp, self._refused = rules, stamp, None
        log.info("rules.reloaded", rules=len(rules), version=rules.version)

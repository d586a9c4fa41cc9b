"""The running rule set, reloaded when the files change: a new set is validated whole before it replaces the old.

A reload is refused, with every problem logged and the last good set kept running, when:
- the files do not load (bad YAML, an unknown operator, a duplicate id): the service never runs a half-loaded set;
- the set names something the Desk does not have (a department, agent, status... see engine/names.py), checked
  against each org's cached catalogue (`catalogues`); a Desk that cannot be asked leaves names unchecked (a
  warning), and a set refused for its names is tried again every NAMES_RETRY_S, as the Desk may gain the name;
- it would drop every rule of a file that had some, or leave no rules at all (a file truncated or deleted
  half-way through a deploy), unless `allow_empty` (DESKPILOT_ALLOW_EMPTY_RULES). A renamed file keeps its rules
  and is not refused. Starting with no rules is refused the same way (a service without rules acts on nothing).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import redis
import structlog

from worker.app.preflight import PreflightError
from worker.desk.errors import DeskError
from worker.engine.errors import Problem, RuleLoadError
from worker.engine.loader import DEFAULT_MAX_FILE_BYTES, check_rules, rule_files
from worker.engine.names import Catalogue, name_problems
from worker.engine.ruleset import CompiledRule, RuleSet
from worker.engine.sla.policy import CompiledPolicy

log = structlog.get_logger(__name__)
Stamp = tuple[tuple[str, int, int], ...]
Catalogues = Callable[[], Mapping[str, Catalogue]]  # org id -> its catalogue; raises when the Desk cannot answer
NAMES_RETRY_S = 60.0
EMPTY_HINT = "set DESKPILOT_ALLOW_EMPTY_RULES=true to accept it"


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


def ids_by_file(rules: RuleSet) -> dict[str, set[str]]:
    """The rule and SLA policy ids each file defines."""
    found: dict[str, set[str]] = {}
    items: tuple[CompiledRule | CompiledPolicy, ...] = (*rules.rules, *rules.sla_policies)
    for item in items:
        found.setdefault(item.file, set()).add(item.id)
    return found


def emptied_files(running: RuleSet, new: RuleSet) -> list[str]:
    """Files of the running set whose rules and policies all vanished from the new set (gone, emptied, cut)."""
    kept = {rule.id for rule in new.rules} | {policy.id for policy in new.sla_policies}
    return sorted(file for file, ids in ids_by_file(running).items() if not ids & kept)


def read_file(file: str) -> str:
    return Path(file).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Refusal:
    """The last refused reload, kept while it stands (the console shows it above the rules)."""

    event: str  # rules.refused | rules.refused_empty
    reason: str
    problems: list[str]
    at: float  # time.time()


@dataclass
class RuleSource:
    path: Path
    reload_s: float = 5.0
    allow_empty: bool = False
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    catalogues: Catalogues | None = None
    # What a new set needs that this deployment lacks (SMTP settings for an email rule: outbound_check.py)
    lacking: Callable[[RuleSet], list[str]] | None = None
    _rules: RuleSet | None = None
    _stamp: Stamp = ()
    _checked_at: float = 0.0
    _refused: Stamp | None = None
    _retry_at: float | None = None  # a set refused for its names is tried again from then
    refusal: Refusal | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def load(self) -> RuleSet:
        """The first load: a broken rule set here is fatal (RuleLoadError lists every problem); so is an empty one
        unless allowed (PreflightError). Names are checked and logged, but do not stop the start: a Desk rename
        must not keep the service down."""
        stamp = stamp_of(self.path)
        rules, problems = check_rules(self.path, self.max_file_bytes)
        if rules is None:
            raise RuleLoadError(problems)
        for problem in problems:
            log.warning("rules.warning", problem=str(problem))
        if not rules.rules and not rules.sla_policies:
            if not self.allow_empty:
                raise PreflightError(
                    f"no rules or SLA policies in {self.path}: the service would act on nothing; "
                    f"check DESKPILOT_RULES_PATH, or {EMPTY_HINT}"
                )
            log.warning("rules.empty", path=str(self.path), allowed="DESKPILOT_ALLOW_EMPTY_RULES")
        self._log_unknown_names(
            self._unknown_names(rules),
            "these actions will fail at run time; fix the names (reloads with names no org has are refused)",
        )
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
        running = self._rules
        assert running is not None, "current() loads the rules before it reloads them"
        now = self._checked_at = time.monotonic()
        stamp = stamp_of(self.path)
        retry = self._retry_at is not None and now >= self._retry_at
        if stamp == self._stamp:
            self.refusal = None  # the files are back to the running set's
        if stamp == self._stamp or (stamp == self._refused and not retry):
            return
        rules, problems = check_rules(self.path, self.max_file_bytes)
        self._retry_at = None
        if rules is None:
            self._refuse(stamp, "rules.refused", [str(problem) for problem in problems if problem.is_error])
            return
        emptied = [] if self.allow_empty else emptied_files(running, rules)
        if emptied or (not rules.rules and running.rules and not self.allow_empty):
            self._refuse(
                stamp,
                "rules.refused_empty",
                emptied or [str(self.path)],
                reason=f"the new set drops every rule of these files ({len(rules)} rules left); "
                f"a deploy may be half-way: fix the files, restart to start anew, or {EMPTY_HINT}",
            )
            return
        lacking = self.lacking(rules) if self.lacking is not None else []
        if lacking:  # settings only change with a restart: refused until the files change
            self._refuse(stamp, "rules.refused", lacking, reason="the deployment lacks what the new rules need")
            return
        unknown = self._unknown_names(rules)
        if any(problem.is_error for problem in unknown):
            self._retry_at = now + NAMES_RETRY_S
            self._refuse(
                stamp,
                "rules.refused",
                [str(problem) for problem in unknown if problem.is_error],
                reason="names the Desk does not have",
            )
            return
        self._log_unknown_names(unknown, "these actions fail in the orgs named")
        self._rules, self._stamp, self._refused, self.refusal = rules, stamp, None, None
        log.info("rules.reloaded", rules=len(rules), version=rules.version)

    def _refuse(self, stamp: Stamp, event: str, problems: list[str], reason: str = "the files do not load") -> None:
        self._refused = stamp
        self.refusal = Refusal(event, reason, problems, time.time())
        kept = self._rules
        log.error(
            event,
            problems=problems,
            reason=reason,
            kept=kept.version if kept is not None else None,
            kept_rules=len(kept) if kept is not None else 0,
        )

    @staticmethod
    def _log_unknown_names(unknown: list[Problem], hint: str) -> None:
        errors = [str(problem) for problem in unknown if problem.is_error]
        if errors:
            log.error("rules.unknown_names", problems=errors, hint=hint)
        warnings = [str(problem) for problem in unknown if not problem.is_error]
        if warnings:
            log.warning("rules.names_missing_in_some_orgs", problems=warnings, hint=hint)

    def _unknown_names(self, rules: RuleSet) -> list[Problem]:
        """Every name the set uses that some org lacks; none when the Desk cannot be asked (logged)."""
        if self.catalogues is None:
            return []
        try:
            catalogues = self.catalogues()
        except (DeskError, redis.RedisError) as exc:  # the Desk or Redis is away: unchecked until the next change
            log.warning("rules.names_unchecked", error=str(exc) or type(exc).__name__)
            return []
        return name_problems(rules, catalogues, read_file)

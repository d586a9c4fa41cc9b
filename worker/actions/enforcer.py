"""Apply one planned action effectively once, through the ledger (the DESIGN's step 4).

    claim (lease)       -> another worker holds it: leave it to them (or to the reconciler if they die)
    final already?      -> read under the claim: nothing to do (a redelivered or reconciled message)
    dry_run             -> recorded as planned, never executed (shadow mode)
    attempted before?   -> wait until an unanswered attempt can no longer land (settle.py), then verify on the
                           Desk; if the effect is there, mark done without writing
    count the attempt   -> with the write's own-write expectations and settle mark, in one round trip just before
                           the write leaves, so a crash after it is never taken for "not written"
    execute, finish     -> done, with the outcome in the ledger and the audit trail

Permanent errors (the Desk refused the request itself) fail the action for good and put it in the dead-letter
list; transient ones (5xx, timeouts, unknown outcome, 429, a token outage, an attempt still settling) release
the claim and are raised for a retry.

A rule's actions are a unit: when one fails for good, its later actions are marked skipped (final, audited with
"an earlier action of this rule failed: <id>") and never sent, unless the rule says `on_action_failure: continue`.
If the failed action is redriven (`deskpilot dlq retry`) and then succeeds, the actions it skipped run after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import structlog

from worker.actions import EXECUTORS, settle
from worker.actions.assign import NoCandidate
from worker.actions.base import ActionContext, Executor
from worker.actions.outbound import DeliveryRefused, Outbound, OutboundSetupError
from worker.actions.pending import AssigneeNotPicked, resolve
from worker.desk.client import DeskClient
from worker.desk.errors import AuthError, Forbidden, InvalidRequest, NotFound, RateLimited
from worker.store import Store
from worker.store.ledger import DEFAULT_LEASE_MS, ActionRecord
from worker.store.records import LedgerAction

log = structlog.get_logger(__name__)
ClientFor = Callable[[str], DeskClient]  # the Desk client of an org, shared by the threads of a process
PERMANENT_ERRORS = (
    InvalidRequest,
    NotFound,
    Forbidden,
    AuthError,
    NoCandidate,
    AssigneeNotPicked,
    DeliveryRefused,  # a webhook receiver's 4xx, an SMTP 5xx (notify, email)
    OutboundSetupError,  # a variable a notify target names, or the SMTP settings, are missing
)
# Errors after which a write is known not to be on the Desk: it answered with a refusal, or no call was made.
NOT_APPLIED = (InvalidRequest, NotFound, Forbidden, AuthError, RateLimited)
RULE_FAULTS = (InvalidRequest, NotFound)  # a value the Desk refuses, a named thing that is not there: fix the rule


class ApplyResult(str, Enum):
    WAITING = "waiting"
    DONE = "done"
    VERIFIED = "verified"
    DRY_RUN = "dry_run"
    ALREADY_FINAL = "already_final"
    BUSY = "busy"
    FAILED = "failed"
    UNKNOWN = "unknown"
    SKIPPED = "skipped"  # an earlier action of the rule failed (recorded on the later actions, never returned)


FINISHED = frozenset({ApplyResult.DONE, ApplyResult.VERIFIED, ApplyResult.DRY_RUN, ApplyResult.FAILED})


@dataclass
class Enforcer:
    store: Store
    owner: str  # who claims: host:pid:thread, so a lease can be traced to a worker
    send_next: Callable[[str], object]  # hands the plan's next action on when this one is finished
    lease_ms: int = DEFAULT_LEASE_MS
    outbound: Outbound | None = None  # what notify and email deliver through

    def apply(self, action_id: str, client_for: ClientFor) -> ApplyResult:
        """Claim first, then read once under the claim: a delivery that finds the action final, waiting or
        unknown releases the claim again (rare); one that finishes it drops the claim with the final state."""
        claimed, record = self.store.ledger.claim_and_get(action_id, self.owner, self.lease_ms)
        if not claimed:
            return ApplyResult.BUSY
        return self._holding(action_id, record, client_for)

    def apply_recorded(self, action_id: str, action: LedgerAction, client_for: ClientFor) -> ApplyResult:
        """An action this worker recorded and claimed a moment ago (plan/recorder.py's ActNow): it is planned and
        was never attempted (no one else could act on it under the claim), so nothing needs reading first."""
        record = ActionRecord(id=action_id, action=action, state="planned", attempts=0, outcome="")
        return self._holding(action_id, record, client_for)

    def _holding(self, action_id: str, record: ActionRecord | None, client_for: ClientFor) -> ApplyResult:
        """Apply under this worker's claim, released unless the action was finished (the finish dropped it)."""
        result: ApplyResult | None = None
        try:
            result = self._apply_claimed(action_id, record, client_for)
            return result
        finally:
            if result not in FINISHED:
                self.store.ledger.release(action_id, self.owner)

    def _apply_claimed(self, action_id: str, record: ActionRecord | None, client_for: ClientFor) -> ApplyResult:
        if record is None:
            log.warning("action.unknown", action=action_id)
            return ApplyResult.UNKNOWN
        if record.final:
            return ApplyResult.ALREADY_FINAL
        action = record.action
        if action.after and not self._is_final(action.after):
            return ApplyResult.WAITING  # the action before it sends it on when finished (the reconciler, if lost)
        bound = log.bind(action=action_id, rule=action.rule, ticket=action.ticket, type=action.type, org=action.org)
        if action.dry_run:
            return self._finish(
                action_id, action, "dry_run", "shadow mode: planned, not executed", ApplyResult.DRY_RUN, bound
            )
        try:
            ctx = ActionContext(
                client_for(action.org), self.store, action_id, resolve(self.store, action), self.outbound
            )
            executor = EXECUTORS[action.type]
            if record.attempts > 0:
                settle.wait_for_earlier(self.store, action_id)
                if executor.verify(ctx):
                    return self._finish(
                        action_id, action, "done", "verified: already applied", ApplyResult.VERIFIED, bound
                    )
            outcome = self._execute(ctx, executor, record.attempts)
            return self._finish(action_id, action, "done", outcome, ApplyResult.DONE, bound)
        except PERMANENT_ERRORS as exc:
            if isinstance(exc, RULE_FAULTS):
                self.store.metrics.incr("action_rule_errors_total", action.rule)
                bound.warning("action.rule_error", cause=str(exc))
            self.store.dead_letters.add(
                {"kind": "action", "action_id": action_id, "error": str(exc), "action": action.as_dict()}
            )
            return self._finish(action_id, action, "failed", str(exc), ApplyResult.FAILED, bound)
        except RateLimited:
            raise
        except Exception as exc:
            bound.warning("action.retry", error=str(exc))
            raise

    def _execute(self, ctx: ActionContext, executor: Executor, earlier: int) -> str:
        """One attempt, counted before anything is sent, noting when each write it sends may still land."""
        with (
            settle.attempt(self.store, ctx.action_id, ctx.client.transport.config.write_settle_s, earlier),
            self.store.own_writes.attempt(ctx.action_id, NOT_APPLIED),  # a write surely not landed expects nothing
        ):
            return executor.execute(ctx)

    def _is_final(self, action_id: str) -> bool:
        record = self.store.ledger.get(action_id)
        return record is None or record.final

    def _finish(
        self, action_id: str, action: LedgerAction, state: str, outcome: str, result: ApplyResult, bound
    ) -> ApplyResult:
        stop_chain = state == "failed" and not action.continue_on_failure
        if stop_chain:  # before this one is final: a delivery of a later action waits on it, then finds it skipped
            self._skip_later(action_id, action)
        self._final(action_id, action, state, outcome, result.value, drop_claim=True)
        (bound.error if state == "failed" else bound.info)("action." + result.value, outcome=outcome)
        if action.next and not stop_chain:
            self._resume_skipped(action.next)
            self.send_next(action.next)
        return result

    def _resume_skipped(self, next_id: str) -> None:
        """A later action skipped when this one failed is planned again now that it is finished (a redriven dead
        letter that succeeded): the rule's chain goes on from here, each skipped action resumed by the one before."""
        record = self.store.ledger.get(next_id)
        if record is not None and record.state == "skipped":
            self.store.ledger.reopen(next_id)
            log.info("action.resumed", action=next_id, rule=record.action.rule)

    def _skip_later(self, failed_id: str, action: LedgerAction) -> None:
        """The rule's later actions are final as skipped, audited with the reason, and never sent."""
        reason = f"an earlier action of this rule failed: {failed_id}"
        next_id = action.next
        while next_id:
            record = self.store.ledger.get(next_id)
            if record is None:
                return
            if not record.final:
                self._final(next_id, record.action, "skipped", reason, ApplyResult.SKIPPED.value)
                log.info("action.skipped", action=next_id, rule=record.action.rule, reason=reason)
            next_id = record.action.next

    def _final(
        self, action_id: str, action: LedgerAction, state: str, detail: str, outcome: str, *, drop_claim: bool = False
    ) -> None:
        """The final state and its audit entry in one round trip, the state first."""
        pipe = self.store.redis.pipeline(transaction=False)
        self.store.ledger.finish_in(pipe, action_id, state, detail, drop_claim=drop_claim)
        self.store.audit.queue(
            pipe,
            "action",
            {
                "action": action_id,
                "rule": action.rule,
                "version": action.version,
                "ticket": action.ticket,
                "org": action.org,
                "event": action.event,
                "type": action.type,
                "params": action.params,
                "outcome": outcome,
                "detail": detail,
            },
        )
        pipe.execute()
        self.store.metrics.incr("actions_total", action.type, outcome)

"""Operational failures log one clear line with a hint; a bug keeps its traceback."""

from __future__ import annotations

import logging
import sys

from worker.app.log_filters import OperationalErrors
from worker.desk.errors import NetworkError


def record_for(error: BaseException) -> logging.LogRecord:
    try:
        raise error
    except BaseException:
        return logging.LogRecord(
            "dramatiq.worker.WorkerThread",
            logging.ERROR,
            __file__,
            1,
            "Failed to process message %s",
            ("poll('1')",),
            sys.exc_info(),
        )


def test_an_unreachable_desk_is_one_line_with_what_to_check():
    record = record_for(NetworkError("the Desk did not answer", method="GET", path="/tickets/search"))
    assert OperationalErrors().filter(record)
    assert record.exc_info is None
    assert "poll('1')" in record.getMessage() and "DESKPILOT_API_ROOT" in record.getMessage()


def test_a_bug_keeps_its_traceback():
    record = record_for(KeyError("oops"))
    assert OperationalErrors().filter(record)
    assert record.exc_info is not None

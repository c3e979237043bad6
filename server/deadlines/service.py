"""Appending to a record's log, closing it, and settling it at its deadline: the workflow steps
that approval rounds and consultations share.

Every change is a rule ``record -> entry | problem | None`` (the feature's model): the entry is
appended only when the rule allows it, and the rule runs again on a fresh log when another
writer took the entry's number first, so a closed record never takes a change. The summary the
store keeps for queries follows every extension and closure (``sync``).

A record is never shown open past a deadline it closes at: every read settles it first, and the
app's background task closes the ones nobody reads (``close_due``). What follows a closure —
events, notifications, the document's phase — is the feature's, given as ``closed``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from server.db import Taken
from server.deadlines.model import Closure, Deadlined, ExtensionEntry, LogEntry, with_entry
from server.deadlines.repository import Logs
from server.outcomes import Invalid
from server.validation import InputProblem

_MAX_ATTEMPTS = 50

R = TypeVar("R", bound="Deadlined[Any]")
X = TypeVar("X", bound=LogEntry)
C = TypeVar("C", bound=Closure)


async def append(
    log: Logs[R, Any], record: R, change: Callable[[R], X | InputProblem | None], field: str
) -> tuple[R, X | None] | InputProblem:
    """Append what ``change`` makes of the record's log, re-deciding on a fresh log if raced.

    ``change`` returns the entry, why not, or None when there is nothing to append; ``field``
    names the record in the problem when the log stays too busy to append to.
    """
    for _ in range(_MAX_ATTEMPTS):
        entry = change(record)
        if entry is None or isinstance(entry, InputProblem):
            return entry if isinstance(entry, InputProblem) else (record, None)
        try:
            await log.append(record.id, entry)
        except Taken:
            fresh = await log.one(record.id)
            assert fresh is not None, "records with a deadline are never deleted"
            record = fresh
            continue
        record = with_entry(record, entry)
        if isinstance(entry, ExtensionEntry | Closure):
            await log.sync(record)
        return record, entry
    return InputProblem(field, "busy", {})


async def change(
    log: Logs[R, Any], record: R, change: Callable[[R], X | InputProblem], field: str
) -> tuple[R, X] | Invalid:
    """A user's change: the record with the entry ``change`` makes appended, or why not."""
    result = await append(log, record, change, field)
    if isinstance(result, InputProblem):
        return Invalid.of(result)
    record, entry = result
    assert entry is not None, "a user's change makes an entry or refuses"
    return record, entry


async def close(
    log: Logs[R, Any],
    record: R,
    change: Callable[[R], C | InputProblem | None],
    closed: Callable[[R, C], Awaitable[object]],
    field: str,
) -> R | InputProblem:
    """Append the closure ``change`` makes, if any, and then what follows it (``closed``)."""
    result = await append(log, record, change, field)
    if isinstance(result, InputProblem):
        return result
    record, closure = result
    if closure is not None:
        await closed(record, closure)
    return record


async def settle(
    log: Logs[R, Any], record: R, due: Callable[[R], C | None], closed: Callable[[R, C], Awaitable[object]]
) -> R:
    """The record with the closure it is ``due`` written first, and what follows it."""
    if due(record) is None:
        return record
    settled = await close(log, record, due, closed, "id")
    assert not isinstance(settled, InputProblem), "a due closure is never refused"
    return settled


async def close_due(log: Logs[R, Any], now: datetime, settle: Callable[[R], Awaitable[R]]) -> int:
    """Close every record due at its deadline, and repair summaries that lag their logs.

    Run by the app's background task; reads settle records too, so this only has to catch the
    ones nobody looks at. Returns how many it closed.
    """
    closed = 0
    for record in await log.many(await log.due(now)):
        settled = await settle(record)
        closed += record.is_open and not settled.is_open
        await log.sync(settled)
    return closed

"""Events in time order: the sorting and filtering rules the timeline page and its twin use.

An event's date is the period its sources give (``periods``), kept as the first and last
day on which it may have happened (``ikg:earliest`` / ``ikg:latest`` in the dataset).
Events are sorted by the last possible day, then by the first possible day descending, so
a coarse date sorts after every finer date it contains: "2014" after "June 2014" after
"10 June 2014"; an open upper bound ("after 2010") sorts last among the dated. Events with
no date at all are listed apart, with the order relations the sources give them
(in response to, resulted in, part of).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from . import periods


def sort_key(earliest: date | None, latest: date | None) -> tuple:
    """The documented order: latest first (open last), then earliest descending."""
    return (
        latest is None,
        latest or date.max,
        -(earliest.toordinal() if earliest else 0),
    )


def in_period(earliest: date | None, latest: date | None, period: periods.Period | None) -> bool:
    """True when the event may have happened within ``period`` (None: no filter)."""
    if period is None:
        return True
    if period.latest is not None and earliest is not None and earliest > period.latest:
        return False
    return not (period.earliest is not None and latest is not None and latest < period.earliest)


def period_filter(since: str | None, until: str | None) -> periods.Period | None:
    """The period between two bounds given as periods ("2014", "2019-10", "late 2019"):
    from the first day of ``since`` to the last day of ``until``. ValueError when unreadable."""
    if not since and not until:
        return None
    first = periods.parse_text(since).earliest if since else None
    last = periods.parse_text(until).latest if until else None
    if first and last and first > last:
        raise ValueError(f"the period starts ({since}) after it ends ({until})")
    return periods.Period(first, last, "day")


def arrange(events: Iterable[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    """(dated events in order, undated events by label). Each event dict has ``earliest``
    and ``latest`` (date or None) and ``label``."""
    dated, undated = [], []
    for event in events:
        (dated if event["earliest"] or event["latest"] else undated).append(event)
    dated.sort(key=lambda e: (*sort_key(e["earliest"], e["latest"]), e["label"].lower()))
    undated.sort(key=lambda e: e["label"].lower())
    return dated, undated

"""The dashboard's counts: cases by violation type, state/region, township and month.

Pure queries over the store (no Textual), so the screen, the tests and a
future report command share them. What is counted is a *case*: a sealed record
that no sealed amendment has replaced, so a corrected case counts once, under
its corrected answers. Drafts and purged tombstones are not cases. Facets come
from the search index's ``record_facets`` table (``forms.facets`` fills it when
a record is sealed or imported); violation types are kept there as a JSON list.

Dates are kept at the precision the witness gave ("2024", "2024-03",
"2024-03-05"). A case is inside a date range when its date and the bound, cut
to the shorter of the two, compare inside: a case dated "2024-03" is inside a
range that starts on 2024-03-10, because it may have happened then.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from fieldkit.errors import UsageError
from fieldkit.store import Store

TOP_TOWNSHIPS = 10

_BOUND = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")

# Cases: sealed, not replaced by a sealed amendment, with their facets.
_CASES = (
    "SELECT f.record_id, f.date, f.state, f.township, f.violation_types"
    " FROM records r JOIN record_facets f ON f.record_id = r.id"
    " WHERE r.status = 'sealed'"
    " AND NOT EXISTS (SELECT 1 FROM records n WHERE n.supersedes = r.id"
    " AND n.status = 'sealed')"
)


def parse_bound(text: str) -> str | None:
    """A date-range bound as typed (YYYY, YYYY-MM or YYYY-MM-DD); empty means none."""
    text = text.strip()
    if not text:
        return None
    if not _BOUND.match(text):
        raise UsageError(
            "A date in the range is not in a form the dashboard understands.",
            hint="type a year (2024), a month (2024-03) or a day (2024-03-05)",
        )
    return text


@dataclass(frozen=True)
class DateRange:
    """From and to (both included), each at any precision; None means open."""

    start: str | None = None
    end: str | None = None

    def __post_init__(self) -> None:
        for bound in (self.start, self.end):
            if bound is not None and not _BOUND.match(bound):
                raise UsageError(
                    "A date in the range is not in a form the dashboard understands.",
                    hint="type a year (2024), a month (2024-03) or a day (2024-03-05)",
                )
        if self.start and self.end:
            n = min(len(self.start), len(self.end))
            if self.start[:n] > self.end[:n]:
                raise UsageError(
                    "The date range ends before it starts.",
                    hint="put the earlier date in 'from' and the later one in 'to'",
                )

    def conditions(self, column: str) -> tuple[list[str], list[Any]]:
        """SQL conditions putting ``column`` (an ISO date at any precision) in range.

        Both sides are cut to the shorter precision, so a case dated "2024-03"
        is inside a range from 2024-03-10, and one dated 2024-03-05 is inside
        a range to "2024-03".
        """
        clauses: list[str] = []
        args: list[Any] = []
        cut = f"min(length({column}), length(?))"
        if self.start:
            clauses.append(f"substr({column}, 1, {cut}) >= substr(?, 1, {cut})")
            args += [self.start, self.start, self.start]
        if self.end:
            clauses.append(f"substr({column}, 1, {cut}) <= substr(?, 1, {cut})")
            args += [self.end, self.end, self.end]
        if clauses:
            clauses.insert(0, f"{column} IS NOT NULL")
        return clauses, args

    def sql(self) -> tuple[str, list[Any]]:
        """Extra conditions on ``c.date`` for the cases query, and their arguments."""
        clauses, args = self.conditions("c.date")
        return "".join(f" AND {c}" for c in clauses), args


@dataclass(frozen=True)
class Counts:
    """Every count the dashboard shows, for one date range.

    Each list is (key, count), the largest first except ``by_month``, which is
    in calendar order. A key of None means the case does not say (no location,
    or a date known only to the year or not at all).
    """

    cases: int
    by_violation: list[tuple[str, int]] = field(default_factory=list)
    by_state: list[tuple[str | None, int]] = field(default_factory=list)
    by_township: list[tuple[str | None, int]] = field(default_factory=list)
    by_month: list[tuple[str | None, int]] = field(default_factory=list)
    townships_total: int = 0
    """How many different townships there are (the list holds the top ones only)."""


def _cases_sql(date_range: DateRange, author: str | None) -> tuple[str, list[Any]]:
    sql = _CASES
    args: list[Any] = []
    if author is not None:
        sql += " AND r.author = ?"
        args.append(author)
    where, more = date_range.sql()
    return f"WITH c AS ({sql}) SELECT {{what}} FROM c{{join}} WHERE 1{where}", args + more


def _ordered(rows: list[Any]) -> list[tuple[Any, int]]:
    # Largest first; ties by key so the order never depends on the query plan.
    return sorted(((r[0], int(r[1])) for r in rows),
                  key=lambda kv: (-kv[1], "" if kv[0] is None else str(kv[0])))


def dashboard_counts(
    store: Store,
    date_range: DateRange | None = None,
    *,
    author: str | None = None,
    top_townships: int = TOP_TOWNSHIPS,
) -> Counts:
    """Count the cases in ``date_range`` (all when None), optionally of one author only."""
    template, args = _cases_sql(date_range or DateRange(), author)

    def run(what: str, tail: str = "", join: str = "") -> list[Any]:
        return store.query(template.format(what=what, join=join) + tail, args)

    # One grouped pass for places and months (a few thousand groups at most),
    # summed here, and one for violation types: two scans instead of five.
    groups = run(
        "c.state, c.township, CASE WHEN length(c.date) >= 7 THEN substr(c.date, 1, 7) END,"
        " count(*)",
        " GROUP BY 1, 2, 3",
    )
    # A record's violation codes are already distinct (forms.facets), so a
    # plain count is a count of cases.
    by_violation = run(
        "v.value, count(*)", " GROUP BY v.value", join=", json_each(c.violation_types) v"
    )
    states: Counter[str | None] = Counter()
    townships: Counter[str | None] = Counter()
    months: Counter[str | None] = Counter()
    for state, township, month, n in groups:
        states[state] += n
        townships[township] += n
        months[month] += n
    ranked = _ordered(list(townships.items()))
    known = [t for t in ranked if t[0] is not None]
    unknown = [t for t in ranked if t[0] is None]
    return Counts(
        cases=sum(states.values()),
        by_violation=[(str(k), n) for k, n in _ordered(by_violation)],
        by_state=_ordered(list(states.items())),
        by_township=known[:top_townships] + unknown,
        by_month=sorted(months.items(), key=lambda kv: "9999" if kv[0] is None else kv[0]),
        townships_total=len(known),
    )

"""The cases list's queries: filtered pages of records, never the whole table.

Kept free of Textual so the benchmark and tests can drive it directly. Pages
are read by LIMIT/OFFSET in primary-key order: record ids are UUIDv7, so
``ORDER BY id DESC`` is newest first and walks the primary-key index without
sorting, whatever the table's size.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

from fieldkit.dashboard import DateRange
from fieldkit.profile import Profile
from forms import location_label

PAGE_SIZE = 100
CACHED_PAGES = 16
STATUSES = ("draft", "sealed", "purged")


@dataclass(frozen=True)
class CaseFilter:
    """What the user narrowed the list to; None means any."""

    form_id: str | None = None
    status: str | None = None
    date_from: str | None = None  # ISO, any precision: 2024, 2024-03, 2024-03-05
    date_to: str | None = None
    state: str | None = None
    township: str | None = None
    record_ids: tuple[str, ...] | None = None  # from a full-text search

    def with_(self, **changes: Any) -> CaseFilter:
        return replace(self, **changes)


@dataclass(frozen=True)
class CaseRow:
    """One row of the cases list (no answer content: nothing sensitive to mask)."""

    record_id: str
    form_id: str
    status: str
    created_at: str
    date: str | None
    state: str | None
    township: str | None
    supersedes: str | None
    delivered: bool


def _where(flt: CaseFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []
    if flt.form_id:
        clauses.append("r.form_id = ?")
        args.append(flt.form_id)
    if flt.status:
        clauses.append("r.status = ?")
        args.append(flt.status)
    # Dates are kept at the precision the witness gave ("2024-03"): the same
    # range rule as the dashboard's.
    dates, date_args = DateRange(flt.date_from, flt.date_to).conditions("f.date")
    clauses += dates
    args += date_args
    if flt.state:
        clauses.append("f.state = ?")
        args.append(flt.state)
    if flt.township:
        clauses.append("f.township = ?")
        args.append(flt.township)
    if flt.record_ids is not None:
        clauses.append("r.id IN (SELECT value FROM json_each(?))")
        args.append(json.dumps(list(flt.record_ids)))
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


def _needs_facets(flt: CaseFilter) -> bool:
    return any((flt.date_from, flt.date_to, flt.state, flt.township))


@dataclass
class CaseSource:
    """Pages of records matching a filter, cached a few pages at a time."""

    profile: Profile
    filter: CaseFilter = field(default_factory=CaseFilter)
    page_size: int = PAGE_SIZE
    _count: int | None = None
    _pages: OrderedDict[int, list[CaseRow]] = field(default_factory=OrderedDict)

    def set_filter(self, flt: CaseFilter) -> None:
        self.filter = flt
        self.invalidate()

    def invalidate(self) -> None:
        self._count = None
        self._pages.clear()

    def _from(self, with_facets: bool) -> str:
        if with_facets:
            return "FROM records r LEFT JOIN record_facets f ON f.record_id = r.id"
        return "FROM records r"

    def count(self) -> int:
        if self._count is None:
            joined = _needs_facets(self.filter)
            where, args = _where(self.filter)
            row = self.profile.store.query_one(
                f"SELECT count(*) {self._from(joined)}{where}", args
            )
            self._count = int(row[0]) if row else 0
        return self._count

    def page(self, number: int) -> list[CaseRow]:
        cached = self._pages.get(number)
        if cached is not None:
            self._pages.move_to_end(number)
            return cached
        where, args = _where(self.filter)
        rows = self.profile.store.query(
            "SELECT r.id, r.form_id, r.status, r.created_at, f.date, f.state, f.township,"
            " r.supersedes,"
            f" r.delivered_at IS NOT NULL {self._from(True)}{where}"
            " ORDER BY r.id DESC LIMIT ? OFFSET ?",
            [*args, self.page_size, number * self.page_size],
        )
        out = [
            CaseRow(str(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4], r[5], r[6], r[7],
                    bool(r[8]))
            for r in rows
        ]
        self._pages[number] = out
        if len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return out

    def row(self, index: int) -> CaseRow | None:
        """The row at ``index`` in the list (0 = newest), or None past the end."""
        if index < 0 or index >= self.count():
            return None
        rows = self.page(index // self.page_size)
        offset = index % self.page_size
        return rows[offset] if offset < len(rows) else None


def form_titles(profile: Profile) -> dict[str, dict[str, str]]:
    """The title of every form installed in the store (newest version), by form id.

    Saving a record installs its form, so every form in the list has a title
    here; read by SQL rather than by parsing the form library, which takes a
    fifth of a second the first time.
    """
    rows = profile.store.query(
        "SELECT form_id, json_extract(CAST(definition AS TEXT), '$.title') FROM forms"
        " ORDER BY form_id, version"
    )
    out: dict[str, dict[str, str]] = {}
    for form_id, title in rows:
        try:
            parsed = json.loads(title) if title else {}
        except ValueError:
            parsed = {}
        if isinstance(parsed, dict):
            out[str(form_id)] = {str(k): str(v) for k, v in parsed.items()}
    return out


def place_label(pcode: str, lang: str) -> str:
    """A place's name in ``lang`` (English when it has none), or the P-code if unknown."""
    try:
        return location_label(pcode, lang)
    except KeyError:
        return pcode


def describe(flt: CaseFilter, lang: str, form_title: dict[str, str]) -> str:
    """The filters in force as one line, so they stay visible while the panel is hidden."""
    parts: list[str] = []
    if flt.form_id:
        parts.append(form_title.get(flt.form_id, flt.form_id))
    if flt.status:
        parts.append(flt.status)
    if flt.date_from or flt.date_to:
        parts.append(f"{flt.date_from or '…'} to {flt.date_to or '…'}")
    if flt.township:
        parts.append(place_label(flt.township, lang))
    elif flt.state:
        parts.append(place_label(flt.state, lang))
    if flt.record_ids is not None:
        parts.append("search results")
    if not parts:
        return "Showing every case.  f: filter   /: search"
    return "Only: " + " · ".join(parts) + ".  f: filters   ctrl+x: clear"

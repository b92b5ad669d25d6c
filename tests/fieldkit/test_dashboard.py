"""Dashboard counts: by violation type, state/region, township and month, within date ranges."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldkit import records
from fieldkit.dashboard import Counts, DateRange, dashboard_counts, parse_bound
from fieldkit.errors import UsageError
from fieldkit.profile import Profile
from tests.fieldkit.test_dashboard_support import (
    LOIKAW,
    MYITKYINA,
    incident,
    make_profile,
    seal_cases,
)


@pytest.fixture
def profile(tmp_path: Path):  # type: ignore[no-untyped-def]
    with make_profile(tmp_path / "c") as p:
        seal_cases(p)
        yield p


def test_counts_all(profile: Profile) -> None:
    counts = dashboard_counts(profile.store)
    assert counts.cases == 6
    assert counts.by_violation == [
        ("airstrike", 3), ("arbitrary_arrest", 1), ("arson", 1), ("indiscriminate_killing", 1),
        ("landmine_uxo", 1), ("shelling", 1), ("torture", 1),
    ]
    assert counts.by_state == [("MMR001", 4), ("MMR002", 2)]
    assert counts.by_township == [("MMR001001", 2), ("MMR001002", 2), ("MMR002001", 2)]
    assert counts.townships_total == 3
    # The case dated only "2024" has no month: it is counted under None, last.
    assert counts.by_month == [("2023-12", 1), ("2024-03", 2), ("2024-04", 1), ("2024-05", 1),
                               (None, 1)]


def test_date_range_at_mixed_precision(profile: Profile) -> None:
    march = dashboard_counts(profile.store, DateRange("2024-03", "2024-03"))
    # The case known only as "2024" may have happened in March: it is in.
    assert march.cases == 3
    # "2024-03" (month only) may have happened on the 10th; "2024-03-05" did not.
    later = dashboard_counts(profile.store, DateRange("2024-03-10", None))
    assert later.cases == 4  # 2024-03, 2024-04-20, 2024-05-01 and the year-only 2024
    until_april = dashboard_counts(profile.store, DateRange(None, "2024-04"))
    assert until_april.cases == 5  # everything but May; the year-only 2024 may be before
    year = dashboard_counts(profile.store, DateRange("2023", "2023"))
    assert (year.cases, year.by_violation) == (1, [("landmine_uxo", 1)])


def test_undated_cases(tmp_path: Path) -> None:
    with make_profile(tmp_path / "c") as p:
        records.seal_new(p, "incident", incident(None, LOIKAW, ["threats"]))
        records.seal_new(p, "incident", incident("2024-01-02", LOIKAW, ["threats"]))
        counts = dashboard_counts(p.store)
        assert counts.cases == 2
        assert counts.by_violation == [("threats", 2)]
        assert counts.by_month == [("2024-01", 1), (None, 1)]
        # A date filter leaves undated cases out: they cannot be placed in it.
        assert dashboard_counts(p.store, DateRange("2000", None)).cases == 1


def test_amendment_counts_once_and_drafts_not_at_all(profile: Profile) -> None:
    first = records.seal_new(profile, "incident", incident("2022-01-01", MYITKYINA, ["looting"]))
    records.create_draft(profile, "incident", incident("2022-01-01", MYITKYINA, ["looting"]))
    assert dashboard_counts(profile.store, DateRange("2022", "2022")).cases == 1
    records.amend(profile, first.id, incident("2022-01-01", LOIKAW, ["arson"]))
    counts = dashboard_counts(profile.store, DateRange("2022", "2022"))
    assert counts.cases == 1
    assert counts.by_violation == [("arson", 1)]
    assert counts.by_state == [("MMR002", 1)]


def test_top_townships_and_author(profile: Profile) -> None:
    counts = dashboard_counts(profile.store, top_townships=1)
    assert counts.by_township == [("MMR001001", 2)] and counts.townships_total == 3
    mine = dashboard_counts(profile.store, author=profile.identity.public.fingerprint_digits)
    assert mine.cases == 6
    assert dashboard_counts(profile.store, author="0" * 30) == Counts(cases=0)


def test_empty_store(tmp_path: Path) -> None:
    with make_profile(tmp_path / "c") as p:
        assert dashboard_counts(p.store) == Counts(cases=0)


@pytest.mark.parametrize("text", ["24", "2024-3", "2024-13", "2024-02-32", "2024/03", "x"])
def test_bad_bounds(text: str) -> None:
    with pytest.raises(UsageError):
        parse_bound(text)
    with pytest.raises(UsageError):
        DateRange(text, None)


def test_bounds() -> None:
    assert parse_bound("  ") is None
    assert parse_bound(" 2024-03 ") == "2024-03"
    with pytest.raises(UsageError, match="ends before"):
        DateRange("2024-05", "2024-04-30")

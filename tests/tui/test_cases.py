"""The cases list: filters, search, opening a case, and paging without loading every row."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static

from fieldkit import records
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.case_query import CaseFilter, CaseSource
from fieldkit.tui.keybar import KeyBar
from fieldkit.tui.screens.cases import CasesScreen, CaseTable, fit
from fieldkit.tui.screens.cases_filters import find_places
from fieldkit.tui.screens.entry import EntryScreen
from fieldkit.tui.screens.record_view import RecordScreen
from fieldkit.tui.screens.unlock import UnlockScreen
from forms import library_example, library_forms

PASS = "correct horse battery staple"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every library example sealed, the incident amended once, and one draft."""
    home = tmp_path_factory.mktemp("cases") / "p"
    with Profile.create(home, PASS, name="Ko Min", role="fieldworker", params=TESTING) as p:
        ids = {}
        for form in library_forms():
            ids[form.id] = records.seal_new(p, form.id, library_example(form.id)).id
        changed = dict(library_example("incident"), follow_up="no")
        records.amend(p, ids["incident"], changed)
        records.create_draft(p, "incident", {"incident_title": "Half-typed draft"})
    return home


async def open_cases(pilot) -> CasesScreen:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one("#passphrase", Input).value = PASS
    await pilot.press("enter")
    for _ in range(200):
        await pilot.pause(0.02)
        if not isinstance(pilot.app.screen, UnlockScreen):
            break
    await pilot.press("c")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CasesScreen)
    return screen


def total(screen: CasesScreen) -> int:
    return screen.query_one(CaseTable).total


async def submit(pilot, screen: CasesScreen, selector: str, text: str) -> None:  # type: ignore[no-untyped-def]
    field = screen.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_first_paint_has_no_filter_panel(home: Path) -> None:
    app = FieldkitApp(home, params=TESTING, idle_check_seconds=None)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_cases(pilot)
        # Built only when asked for: a 100,000-record list opens without it.
        assert screen.panel is None
        assert "every case" in str(screen.query_one("#case-summary", Static).render())
        assert "Filters" in str(screen.query_one(KeyBar).render())
        await pilot.press("f")
        await pilot.pause()
        assert screen.panel is not None and screen.panel.display
        assert screen.focused is screen.query_one("#filter-form", Select)
        await pilot.press("escape")  # back to the list first, then off the screen
        assert screen.focused is screen.query_one(CaseTable)
        await pilot.press("f")
        assert not screen.panel.display
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CasesScreen)


async def choose_place(pilot, screen: CasesScreen, text: str) -> None:  # type: ignore[no-untyped-def]
    field = screen.query_one("#filter-place .picker-input", Input)
    field.focus()
    await pilot.press(*text)
    await pilot.press("enter")
    await pilot.pause()


async def test_filters_narrow_the_list(home: Path) -> None:
    app = FieldkitApp(home, params=TESTING, idle_check_seconds=None)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_cases(pilot)
        assert total(screen) == 6
        assert "6 cases" in str(screen.query_one("#case-status", Static).render())
        await pilot.press("f")
        await pilot.pause()
        screen.query_one("#filter-form", Select).value = "incident"
        await pilot.pause()
        assert total(screen) == 3
        screen.query_one("#filter-status", Select).value = "draft"
        await pilot.pause()
        assert total(screen) == 1
        summary = str(screen.query_one("#case-summary", Static).render())
        assert "Incident report" in summary and "draft" in summary
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert screen.source.filter == CaseFilter(), screen.source.filter
        assert screen.query_one("#filter-form", Select).is_blank()
        assert total(screen) == 6
        await submit(pilot, screen, "#filter-from", "2024-03-01")
        await submit(pilot, screen, "#filter-to", "2024-03-31")
        assert total(screen) == 2  # the incident and its amendment
        await submit(pilot, screen, "#filter-to", "2024-05")
        assert total(screen) == 3  # the testimony is dated "around May 2024"
        await submit(pilot, screen, "#filter-to", "May")
        assert "Dates:" in str(screen.query_one("#case-status", Static).render())
        await pilot.press("ctrl+x")
        # State/region and township: one type-to-filter box over both.
        await choose_place(pilot, screen, "Sagaing")
        assert screen.source.filter.state == "MMR005"
        assert total(screen) == 3
        await choose_place(pilot, screen, "Myinmu")
        assert screen.source.filter == CaseFilter(township="MMR005002")
        assert total(screen) == 2
        assert "Myinmu" in str(screen.query_one("#case-summary", Static).render())
        await pilot.press("ctrl+x")
        assert total(screen) == 6


async def test_search_and_open(home: Path) -> None:
    app = FieldkitApp(home, params=TESTING, idle_check_seconds=None)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_cases(pilot)
        table = screen.query_one(CaseTable)
        # Newest first: the draft is on top, and opens in form entry.
        row = table.current()
        assert row is not None and row.status == "draft"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("slash")
        await pilot.press(*"market", "enter")
        await pilot.pause()
        assert total(screen) == 2
        assert "matching the search" in str(screen.query_one("#case-status", Static).render())
        assert all("market" in s.lower() for s in table.snippets.values())
        # Names are sensitive: not indexed unless the setting allows it.
        await submit(pilot, screen, "#case-search", '"Daw Example One"')
        assert total(screen) == 0


def test_places_by_name() -> None:
    assert find_places("Mon", "en")[0] == ("MMR011", "Mon")
    assert ("MMR005002", "Myinmu, Sagaing") in find_places("myinmu", "en")
    assert find_places("မြင်းမူ", "my")[0][0] == "MMR005002"


async def test_burmese_labels_fill_their_cells(home: Path) -> None:
    app = FieldkitApp(home, params=TESTING, idle_check_seconds=None)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_cases(pilot)
        table = screen.query_one(CaseTable)
        english = table.render_line(0).text
        await pilot.press("ctrl+t")
        await pilot.pause()
        burmese = table.render_line(0).text
        assert english != burmese
        assert table.render_line(0).cell_length == table.size.width


def test_fit_pads_and_cuts() -> None:
    assert fit("abc", 5) == "abc  "
    assert fit("abcdefgh", 5) == "abcd…"
    assert fit("", 3) == "   "


def test_paging_reads_only_what_is_asked(tmp_path: Path) -> None:
    with Profile.create(tmp_path / "p", PASS, name="Ko Min", role="fieldworker",
                        params=TESTING) as p:
        with p.store.transaction() as conn:
            conn.executemany(
                "INSERT INTO records (id, form_id, form_version, author, created_at, updated_at,"
                " status, answers) VALUES (?, 'incident', 1, 'me', ?, ?, 'draft', '{}')",
                [(f"{i:08d}", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z")
                 for i in range(2500)],
            )
        source = CaseSource(p, page_size=100)
        assert source.count() == 2500
        first = source.row(0)
        last = source.row(2499)
        assert first is not None and first.record_id == "00002499"
        assert last is not None and last.record_id == "00000000"
        assert source.row(2500) is None
        assert len(source._pages) == 2
        for i in range(0, 2500, 100):
            source.row(i)
        assert len(source._pages) <= 16
        source.set_filter(CaseFilter(record_ids=("00000007", "00000042")))
        assert source.count() == 2
        assert [source.row(0).record_id, source.row(1).record_id] == [  # type: ignore[union-attr]
            "00000042", "00000007"]


def test_date_range_keeps_the_precision_the_witness_gave(tmp_path: Path) -> None:
    """A case on 2024-03-05 is inside 'to 2024-03'; a case in '2024-03' is inside
    'from 2024-03-10' (the dashboard's rule, shared)."""
    with Profile.create(tmp_path / "p", PASS, name="Ko Min", role="fieldworker",
                        params=TESTING) as p:
        day = library_example("incident")
        month = dict(day, incident_date={"precision": "month", "value": "2024-03",
                                         "around": False})
        earlier = dict(day, incident_date={"precision": "day", "value": "2023-12-30",
                                           "around": False})
        for answers in (day, month, earlier):
            records.seal_new(p, "incident", answers)
        source = CaseSource(p)

        def count(**bounds: str) -> int:
            source.set_filter(CaseFilter(**bounds))  # type: ignore[arg-type]
            return source.count()

        assert count(date_to="2024-03") == 3
        assert count(date_from="2024-03-10") == 1      # the month-only case
        assert count(date_from="2024-03-05", date_to="2024-03-05") == 2
        assert count(date_to="2023") == 1
        assert count(date_from="2024") == 2

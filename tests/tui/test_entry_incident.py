"""An incident with two victims and a perpetrator, entered through the widgets only:
a validation error and its fix, review, seal, and an amendment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Button, Input, Static, TextArea

from fieldkit import records
from fieldkit.tui.screens.entry import EntryScreen
from fieldkit.tui.screens.entry_review import ReviewScreen
from fieldkit.tui.screens.form_picker import FormPickerScreen
from fieldkit.tui.screens.record_view import RecordScreen
from fieldkit.tui.widgets.base import FieldWidget
from tests.tui.test_entry_support import (
    TODAY,
    Host,
    choose,
    field,
    fill,
    make_profile,
    paste_into,
    type_into,
)


async def press_button(pilot: Any, button: Button) -> None:
    button.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def add_entry(pilot: Any, repeat: str) -> None:
    await press_button(pilot, field(pilot.app, repeat).query_one(".repeat-add", Button))


async def fill_incident(pilot: Any) -> None:
    """Everything the incident form requires, typed and chosen key by key."""
    await choose(pilot, "consent", "doc", ".consent-scopes")
    await choose(pilot, "consent", "ver", ".consent-obtained")
    await fill(pilot, "consent", "2025-05-30", ".consent-date")
    await fill(pilot, "incident_title", "Market airstrike")
    await fill(pilot, "incident_date", "2025-05", ".date-value")
    await choose(pilot, "location", "hpa-a", ".loc-search")
    await choose(pilot, "acts[0].violation", "tor")
    await add_entry(pilot, "victims")
    await add_entry(pilot, "victims")
    await fill(pilot, "victims[0].victim_name", "Daw Aye")
    await fill(pilot, "victims[0].victim_age", "54")
    await choose(pilot, "victims[0].victim_sex", "fem")
    await choose(pilot, "victims[0].victim_status", "dead")
    await choose(pilot, "victims[1].victim_sex", "male")
    await choose(pilot, "victims[1].victim_status", "injured")
    await add_entry(pilot, "perpetrators")
    await choose(pilot, "perpetrators[0].perpetrator_type", "myan")
    await choose(pilot, "sources[0].source_type", "wit")
    await choose(pilot, "sources[0].source_reliability", "likely r")
    narrative = field(pilot.app, "narrative").query_one(TextArea)
    await paste_into(pilot, narrative, "Planes bombed the market at noon; stalls burned.")


async def test_incident_two_victims_one_perpetrator(tmp_path: Path) -> None:
    profile = make_profile(tmp_path)
    app = Host(lambda: FormPickerScreen(profile))
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        # The picker lists the library forms; choose the incident report by keyboard.
        picker = app.screen
        options = picker.query_one("OptionList")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        for _ in range(ids.index("incident")):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EntryScreen)
        assert screen.form.id == "incident"
        # The consent block comes first on screen.
        assert next(iter(screen.query(FieldWidget))).field.type == "consent"

        await fill_incident(pilot)

        # A constraint error is shown next to its field, in words, then fixed.
        await fill(pilot, "victims[1].victim_age", "130")
        await pilot.pause()
        age = field(app, "victims[1].victim_age")
        assert age.error == "Age must be between 0 and 120."
        summary = str(screen.query_one("#entry-summary", Static).render())
        assert "Victims 2 › Age in years" in summary
        await fill(pilot, "victims[1].victim_age", "12")
        assert age.error is None
        # Skip logic: the age group is only asked when the age is not known.
        assert field(app, "victims[1].victim_age_group").has_class("-hidden")
        # Pregnancy is asked for the woman, not for the man.
        assert field(app, "victims[1].victim_pregnant").has_class("-hidden")
        assert not field(app, "victims[0].victim_pregnant").has_class("-hidden")

        await pilot.press("f2")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.problems == [], review.problems
        text = str(review.query_one("#review-answers", Static).render())
        assert "Daw Aye" in text and "Hpa-An" in text and "Myanmar military" in text
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = app.screen
        assert isinstance(shown, RecordScreen)
        sealed = records.get_record(profile, shown.record_id)
        assert sealed.status == "sealed"
        answers = sealed.answers or {}
        assert [v["victim_sex"] for v in answers["victims"]] == ["female", "male"]
        assert answers["victims"][1]["victim_age"] == 12
        assert answers["perpetrators"] == [{"perpetrator_type": "military"}]
        assert answers["location"]["township"] == "MMR003001"
        assert answers["incident_date"] == {"precision": "month", "value": "2025-05",
                                            "around": False}
        # Sensitive answers are masked until revealed.
        body = str(shown.query_one("#record-answers", Static).render())
        assert "Daw Aye" not in body and "•••" in body
        await pilot.press("r")
        body = str(shown.query_one("#record-answers", Static).render())
        assert "Daw Aye" in body

        # Amend: a new draft prefilled with the sealed answers, sealed as a correction.
        await pilot.press("a")
        await pilot.pause()
        amending = app.screen
        assert isinstance(amending, EntryScreen)
        assert amending.supersedes == sealed.id
        title = field(app, "incident_title").query_one(Input)
        assert title.value == "Market airstrike"
        await type_into(pilot, title, "")
        await paste_into(pilot, title, "Market airstrike, corrected")
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        corrected = app.screen
        assert isinstance(corrected, RecordScreen)
        new = records.get_record(profile, corrected.record_id)
        assert new.supersedes == sealed.id and new.status == "sealed"
        assert (new.answers or {})["incident_title"] == "Market airstrike, corrected"
        assert [r.id for r in records.history(profile, new.id)] == [sealed.id, new.id]
    profile.close()


async def test_seal_refused_lists_problems(tmp_path: Path) -> None:
    profile = make_profile(tmp_path)
    app = Host(lambda: EntryScreen(profile, form_id="incident", today=TODAY))
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        await fill(pilot, "incident_title", "Only a title")
        await pilot.press("f2")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert any(line.startswith("Date of the incident: An answer is required")
                   for line in review.problems)
        assert review.query_one("#review-seal", Button).disabled
        await pilot.press("ctrl+s")
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EntryScreen)
        # After a review, required answers are flagged next to their fields too.
        assert field(app, "incident_date").error == "An answer is required."
        assert records.get_record(profile, screen.record_id or "").status == "draft"
    profile.close()

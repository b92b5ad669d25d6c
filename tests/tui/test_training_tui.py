"""The training walkthrough in the app: scenario list, walkthrough with the testimony,
scoring through the real form widgets, results, the banner on every screen."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from fieldkit import records
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.training.sandbox import BANNER, open_sandbox
from fieldkit.training.scenario import builtin_scenarios
from fieldkit.training.scoring import ScoreReport
from fieldkit.tui.training import (
    ResultScreen,
    ScenarioListScreen,
    TrainingApp,
    WalkthroughScreen,
)

SCENARIOS = {s.id: s for s in builtin_scenarios()}


def banner_text(app: TrainingApp) -> str:
    return " ".join(str(w.render()) for w in app.screen.query(".banner").results(Static))


async def settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.pause()


@dataclass
class Walked:
    """What the trainee saw on the result screen."""

    report: ScoreReport
    review: str
    rows: int


async def walk(home: Path, scenario_id: str, answers: dict[str, Any]) -> Walked:
    """Resume a trainee's draft holding ``answers`` and submit it through the real widgets."""
    scenario = SCENARIOS[scenario_id]
    with open_sandbox(home, params=TESTING) as sandbox:
        draft = records.create_draft(sandbox, scenario.form.id, answers).record_id
    app = TrainingApp(home / "training", home, params=TESTING, idle_check_seconds=None)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ScenarioListScreen)
        assert "NOT REAL DATA" in banner_text(app)
        assert app.profile is not None and app.profile.role == "training"
        app.push_screen(WalkthroughScreen(app.profile, scenario, record_id=draft))
        await settle(pilot)
        assert isinstance(app.screen, WalkthroughScreen)
        assert "NOT REAL DATA" in banner_text(app)
        testimony = str(app.screen.query_one("#testimony", Static).render())
        assert "Fictional" in testimony
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResultScreen)
        assert "NOT REAL DATA" in banner_text(app)
        return Walked(
            screen.report,
            str(screen.query_one("#review", Static).render()),
            screen.query_one("#results", DataTable).row_count,
        )


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
async def test_each_scenario_perfect(tmp_path: Path, scenario_id: str) -> None:
    result = await walk(tmp_path / "home", scenario_id,
                        copy.deepcopy(SCENARIOS[scenario_id].expected))
    assert result.report.score == 100, [
        (r.field, r.verdict, r.expected, r.given) for r in result.report.to_review
    ]
    assert "Everything is correct" in result.review


async def test_typical_mistakes_get_feedback(tmp_path: Path) -> None:
    scenario = SCENARIOS["arrest_torture"]
    answers = copy.deepcopy(scenario.expected)
    answers["incident_date"] = {"precision": "day", "value": "2023-09-15", "around": False}
    answers["narrative"] = "Ko Thura was arrested at night and beaten."
    answers["consent"]["scopes"] = ["documentation", "network", "public_anonymised"]
    result = await walk(tmp_path / "home", "arrest_torture", answers)
    verdicts = {r.field: r.verdict for r in result.report.results}
    assert verdicts["narrative"] == "wrong"
    assert verdicts["consent.scopes"] == "partly"
    assert result.report.score < 100
    assert "Narrative" in result.review
    assert "without naming him" in result.review
    assert result.rows == len(scenario.scoring)


async def test_list_shows_scenarios_and_fiction_note(tmp_path: Path) -> None:
    app = TrainingApp(tmp_path / "h" / "training", tmp_path / "h", params=TESTING,
                      idle_check_seconds=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#scenarios", DataTable)
        assert table.row_count == len(SCENARIOS)
        intro = str(app.screen.query_one("#training-intro", Static).render())
        assert "fictional" in intro
        assert BANNER in banner_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WalkthroughScreen)


async def test_coordinator_refuses_a_training_bundle_in_the_import_screen(
    tmp_path: Path,
) -> None:
    """Even a bundle forced out of a training sandbox (export refuses to make one) is
    refused by a coordinator that trusts the trainee's card; nothing is stored."""
    from textual.widgets import Input

    from fieldkit.exchange.export import _plan
    from fieldkit.tui.app import FieldkitApp
    from fieldkit.tui.screens.import_ import ImportScreen
    from sync.bundle import write_bundle_file
    from sync.manifest import ChainRange

    coord_home = tmp_path / "co"
    with Profile.create(coord_home, "coordinator passphrase", name="Desk",
                        role="coordinator", params=TESTING) as coord, \
            open_sandbox(tmp_path / "trainee", params=TESTING) as sandbox:
        coord.trust(sandbox.card_text(), sandbox.fingerprint)
        sandbox.trust(coord.card_text(), coord.fingerprint)
        records.seal_new(sandbox, "incident", copy.deepcopy(SCENARIOS["airstrike_village"]
                                                            .expected))
        entries, *_ = _plan(sandbox, 0)
        usb = tmp_path / "usb"
        usb.mkdir()
        forced = write_bundle_file(
            usb, sender=sandbox.identity, sender_role="training",
            recipients=[coord.identity.public], kind="records",
            chain=ChainRange(author=sandbox.identity.public.fingerprint_digits,
                             first_seq=1, last_seq=1, prev=None),
            entries=entries,
        ).path
    app = FieldkitApp(coord_home, params=TESTING, idle_check_seconds=None)
    async with app.run_test(size=(140, 40)) as pilot:
        app.screen.query_one("#passphrase", Input).value = "coordinator passphrase"
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.02)
            if app.profile is not None:
                break
        assert app.profile is not None
        app.push_screen(ImportScreen(app.profile, start=usb))
        await settle(pilot)
        app.screen.query_one("#import-path", Input).value = str(forced)
        await pilot.press("enter")
        for _ in range(50):
            await pilot.pause(0.05)
            results = str(app.screen.query_one("#import-results", Static).render())
            if "rejected" in results:
                break
        assert f"{forced.name}: rejected: " in results
        assert "training" in results.lower()
        assert records.list_records(app.profile) == []

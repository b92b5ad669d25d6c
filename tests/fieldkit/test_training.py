"""Training scenarios: the built-in ones load and score, mistakes are caught, and bad
scenario files are refused with the file, the path and the line."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from fieldkit.kdf import TESTING
from fieldkit.training.sandbox import BANNER, open_sandbox, reset_sandbox, sandbox_home
from fieldkit.training.scenario import ScenarioError, builtin_scenarios, load_scenario_file
from fieldkit.training.scoring import score, values_at
from tests.conftest import CLI

BAD = Path(__file__).resolve().parents[1] / "data" / "training" / "bad"
SCENARIOS = {s.id: s for s in builtin_scenarios()}

# Every bad fixture, and the path its message must name.
BAD_CASES = {
    "not_yaml.yaml": None,
    "empty.yaml": None,
    "unknown_key.yaml": "difficulty",
    "not_fictional.yaml": "fictional",
    "missing_burmese_testimony.yaml": "testimony",
    "unknown_form.yaml": "form",
    "expected_answer_outside_vocabulary.yaml": "expected.perpetrators[0].perpetrator_type",
    "scoring_unknown_field.yaml": "scoring[0].field",
    "scoring_unknown_method.yaml": "scoring[1].method",
    "date_within_without_precision.yaml": "scoring[0].precision",
    "guidance_for_missing_field.yaml": "guidance.arrest_date",
    "repeat_path_without_index.yaml": "scoring[4].field",
    "must_not_contain_without_values.yaml": "scoring[6].values",
}


def test_four_builtin_scenarios_cover_the_library_forms() -> None:
    assert len(SCENARIOS) >= 4
    forms_used = {s.form.id for s in SCENARIOS.values()}
    assert {"incident", "defector_debrief", "displacement"} <= forms_used
    for scenario in SCENARIOS.values():
        assert scenario.fictional is True
        assert scenario.testimony["en"].startswith("(Fictional")


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_perfect_answers_score_100(scenario_id: str) -> None:
    scenario = SCENARIOS[scenario_id]
    report = score(scenario, copy.deepcopy(scenario.expected))
    assert report.score == 100
    assert report.to_review == []


def test_typical_mistakes_in_the_airstrike_scenario() -> None:
    scenario = SCENARIOS["airstrike_village"]
    answers = copy.deepcopy(scenario.expected)
    answers["incident_date"] = {"precision": "month", "value": "2024-02", "around": False}
    answers["victims"] = answers["victims"][:1]            # forgot the second victim
    answers["consent"]["scopes"] = ["documentation", "public_anonymised"]
    answers["narrative"] = "Daw Khin Su saw a jet drop two bombs."  # named the witness
    answers["incident_title"] = "Bombing, victim U Ba Tin"  # name outside a sensitive field
    report = score(scenario, answers)
    verdicts = {r.field: r.verdict for r in report.results}
    assert verdicts["incident_date"] == "partly"
    assert verdicts["victims"] == "partly"
    assert verdicts["consent.scopes"] == "partly"
    assert verdicts["narrative"] == "wrong"
    assert verdicts["victims[*].victim_name"] == "wrong"
    assert verdicts["acts[*].violation"] == "correct"
    assert 0 < report.score < 100
    reviewed = {r.field for r in report.to_review}
    assert {"incident_date", "narrative", "victims"} <= reviewed
    narrative = next(r for r in report.results if r.field == "narrative")
    assert "name" in narrative.guidance["en"]
    assert narrative.guidance["my"]


def test_missing_and_wrong_answers() -> None:
    scenario = SCENARIOS["defector_debrief"]
    answers = copy.deepcopy(scenario.expected)
    del answers["consent"]
    answers["vetting_status"] = "verified"
    answers["crimes"][0]["crime_role"] = "took_part"
    verdicts = {r.field: r.verdict for r in score(scenario, answers).results}
    assert verdicts["consent.scopes"] == "missing"
    assert verdicts["vetting_status"] == "wrong"
    assert verdicts["crimes[*].crime_role"] == "wrong"


def test_values_at_paths() -> None:
    answers = {"victims": [{"a": 1}, {"a": 2}], "loc": {"township": "X"}}
    assert values_at(answers, "victims[*].a") == [1, 2]
    assert values_at(answers, "victims[1].a") == [2]
    assert values_at(answers, "victims[5].a") == []
    assert values_at(answers, "loc.township") == ["X"]
    assert values_at(answers, "nothing") == []


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_scenarios_name_file_path_and_line(name: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario_file(BAD / name)
    err = info.value
    assert name in str(err)
    assert err.line is not None
    expected_path = BAD_CASES[name]
    if expected_path is not None:
        assert err.path == expected_path, str(err)
        assert expected_path in str(err)


def test_every_bad_fixture_is_covered() -> None:
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(BAD_CASES)
    assert len(BAD_CASES) >= 8


def test_cli_training_validate(cli: CLI) -> None:
    builtin = sorted(str(p) for p in (Path(__file__).resolve().parents[2] / "fieldkit"
                                      / "training" / "scenarios").glob("*.yaml"))
    r = cli("training", "validate", *builtin, home=False)
    assert r.code == 0, r.out + r.err
    r = cli("training", "validate", str(BAD / "unknown_key.yaml"), home=False)
    assert r.code == 1
    assert "unknown_key.yaml:6: difficulty" in r.out


def test_sandbox_is_separate_and_resettable(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with open_sandbox(home, params=TESTING) as sandbox:
        assert sandbox.role == "training"
        fingerprint = sandbox.fingerprint
    assert sandbox_home(home).is_dir()
    with reset_sandbox(home, params=TESTING) as fresh:
        assert fresh.fingerprint != fingerprint
    assert "NOT REAL DATA" in BANNER

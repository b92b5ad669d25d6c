"""Shared helpers for the dashboard tests: incident reports with chosen dates, places and acts.

Imported by the dashboard and exchange-screen tests; holds one smoke test of
its own so that it is not an empty test module.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from fieldkit import records
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from forms import library_example

PASSPHRASE = "dashboard test passphrase"

# Fictional places by their MIMU P-codes: Kachin/Myitkyina, Kachin/Waingmaw, Kayah/Loikaw.
MYITKYINA = ("MMR001", "MMR001001")
WAINGMAW = ("MMR001", "MMR001002")
LOIKAW = ("MMR002", "MMR002001")


def make_profile(home: Path, name: str = "Coordinator", role: str = "coordinator") -> Profile:
    return Profile.create(home, PASSPHRASE, name=name, role=role, params=TESTING)


def incident(date: str | None, place: tuple[str, str], violations: list[str]) -> dict[str, Any]:
    """The library's example incident with its date, place and acts replaced."""
    answers = copy.deepcopy(library_example("incident"))
    if date is None:
        answers["incident_date"] = {"precision": "unknown", "value": None, "around": False}
    else:
        precision = {4: "year", 7: "month", 10: "day"}[len(date)]
        answers["incident_date"] = {"precision": precision, "value": date, "around": False}
    # The incident form requires the place down to the township.
    answers["location"] = {"state": place[0], "township": place[1]}
    template = answers["acts"][0]
    answers["acts"] = [{**template, "violation": v} for v in violations]
    for victim in answers.get("victims", []):
        victim.pop("victim_acts", None)
    return answers


# Six cases: what the dashboard tests expect to count.
CASES: list[tuple[str | None, tuple[str, str], list[str]]] = [
    ("2024-03-05", MYITKYINA, ["airstrike", "indiscriminate_killing"]),
    ("2024-03", MYITKYINA, ["airstrike"]),
    ("2024-04-20", WAINGMAW, ["arbitrary_arrest", "torture"]),
    ("2024-05-01", LOIKAW, ["shelling"]),
    ("2024", LOIKAW, ["airstrike", "arson"]),
    ("2023-12-31", WAINGMAW, ["landmine_uxo"]),
]


def seal_cases(profile: Profile) -> list[str]:
    """Seal :data:`CASES` into ``profile``; return the record ids."""
    return [records.seal_new(profile, "incident", incident(*case)).id for case in CASES]


def test_example_cases_are_valid(tmp_path: Path) -> None:
    with make_profile(tmp_path / "p") as profile:
        ids = seal_cases(profile)
        assert len(set(ids)) == len(CASES)

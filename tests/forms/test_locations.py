"""The generated MIMU gazetteer and the cascading location choice."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from importlib import resources
from pathlib import Path

import pytest

from forms import (
    library_form,
    location_label,
    location_source,
    states,
    townships,
    validate_answers,
    village_tracts,
)

TODAY = dt.date(2025, 1, 1)
ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"


def test_counts_and_attribution() -> None:
    assert len(states()) == 18
    assert sum(len(townships(state.code)) for state in states()) == 358
    assert location_source() == "Source: MIMU P-codes 9.6"
    assert location_label("MMR013017", "en") == "Botahtaung"
    assert location_label("MMR013017", "my") == "ဗိုလ်တထောင်"


def test_every_township_cascades() -> None:
    """Walk every township: it is offered under its state and its tracts under it."""
    form = library_form("displacement")
    base = {
        "consent": {"scopes": ["documentation"], "obtained": "verbal", "date": "2024-01-01"},
        "informant_role": "other",
        "displacement_date": "2024",
        "causes": ["other"],
        "households": 1,
        "total_people": 1,
    }
    seen = 0
    for state in states():
        offered = townships(state.code)
        assert offered, state.code
        for township in offered:
            seen += 1
            assert township.parent == state.code
            tracts = village_tracts(township.code)
            for tract in tracts:
                assert tract.parent == township.code
            origin = {"state": state.code, "township": township.code}
            if tracts:
                origin["village_tract"] = tracts[0].code
            result = validate_answers(form, {**base, "origin": origin}, today=TODAY)
            assert result.ok, (township.code, result.errors)
            # The same township under another state is refused.
            other = "MMR001" if state.code != "MMR001" else "MMR002"
            wrong = validate_answers(
                form, {**base, "origin": {"state": other, "township": township.code}}, today=TODAY
            )
            assert [e.path for e in wrong.errors] == ["origin.township"]
    assert seen == 358


def test_inactive_and_rotated_rows() -> None:
    codes = {tract.code for tract in village_tracts("MMR013027")}
    # The four Twantay rows with rotated columns are repaired, not lost.
    assert {"MMR013027008", "MMR013027062", "MMR013027088", "MMR013027018"} <= codes
    assert village_tracts("MMR010001") == []  # Nay Pyi Taw urban township: no tracts
    assert townships("MMR999") == [] and village_tracts("nope") == []
    with pytest.raises(KeyError):
        location_label("MMR999", "en")


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared/data not available")
def test_generated_file_matches_build_script() -> None:
    spec = importlib.util.spec_from_file_location(
        "build_locations", ROOT / "scripts" / "build_locations.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(SHARED)
    shipped = json.loads(
        resources.files("forms").joinpath("vocabularies/locations.json").read_bytes()
    )
    assert built == shipped
    # 14,047 rows in the release, 276 of them inactive.
    assert len(shipped["village_tracts"]) == 14047 - 276

"""'fieldkit search' end to end: lines, JSON, no matches, limits and usage errors."""

from __future__ import annotations

import json
from dataclasses import dataclass

from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.search import index_record
from tests.conftest import CLI

PASSPHRASE = "correct horse battery staple"


@dataclass(frozen=True)
class Facets:
    date: str | None
    state: str | None
    township: str | None
    violation_types: tuple[str, ...] = ()


def seeded(cli: CLI) -> None:
    assert cli("init", "--role", "fieldworker", "--name", "Searcher").code == 0
    with Profile.open(cli.home, PASSPHRASE, params=TESTING) as profile:
        with profile.store.transaction() as conn:
            index_record(conn, "rec-1", "Airstrike on the market; ရွာသစ် စျေး မီးလောင်",
                         form_id="incident_report",
                         facets=Facets("2026-02-14", "MMR005", "MMR005015"))
            index_record(conn, "rec-2", "Second airstrike near the school",
                         form_id="incident_report", facets=Facets("2026-02", None, None))


def test_lines(cli: CLI) -> None:
    seeded(cli)
    r = cli("search", "airstrike")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert [line.split()[0] for line in lines] == ["rec-2", "rec-1"]
    assert lines[1].startswith("rec-1  incident_report  2026-02-14  Chaung-U  ")
    assert "[Airstrike]" in lines[1]
    assert lines[0].startswith("rec-2  incident_report  2026-02  -  ")


def test_burmese_and_several_words(cli: CLI) -> None:
    seeded(cli)
    r = cli("search", "ရွာသစ်")
    assert [line.split()[0] for line in r.out.splitlines()] == ["rec-1"]
    r = cli("search", "airstrike", "school")
    assert [line.split()[0] for line in r.out.splitlines()] == ["rec-2"]


def test_json_and_limit(cli: CLI) -> None:
    seeded(cli)
    r = cli("search", "airstrike", "--json", "--limit", "1")
    [hit] = json.loads(r.out)
    assert hit["id"] == "rec-2" and hit["form_id"] == "incident_report"
    assert set(hit) == {"id", "form_id", "date", "township", "township_name", "snippet"}
    assert r.err == ""  # JSON output stays machine-clean
    r = cli("search", "airstrike", "--limit", "1")
    assert len(r.out.splitlines()) == 1
    assert "use --limit" in r.err


def test_no_match(cli: CLI) -> None:
    seeded(cli)
    r = cli("search", "landmine")
    assert (r.code, r.out) == (0, "No records match.\n")
    assert json.loads(cli("search", "landmine", "--json").out) == []


def test_usage_errors(cli: CLI) -> None:
    seeded(cli)
    r = cli("search", '""')
    assert r.code == 2 and "The search is empty." in r.err
    r = cli("search", "x", "--limit", "0")
    assert r.code == 2
    r = cli("search", "(AND*")
    assert r.code == 0

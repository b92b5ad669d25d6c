"""forms list / validate / install from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from forms import library_forms
from tests.conftest import CLI

LIBRARY = Path(__file__).resolve().parents[2] / "forms" / "library"

SMALL_FORM = """\
id: village_meeting
version: {version}
title: {{en: Village meeting, my: ရွာအစည်းအဝေး}}
languages: [en, my]
fields:
  - name: attendees
    type: integer
    label: {{en: {label}, my: တက်ရောက်သူ}}
"""


def test_validate_library_forms(cli: CLI) -> None:
    files = sorted(str(p) for p in LIBRARY.glob("*.yaml"))
    assert files
    r = cli("forms", "validate", *files, home=False)
    assert r.code == 0, r.out + r.err
    assert r.out.count(": ok (") == len(files)


def test_validate_bad_form_names_file_and_exit_1(cli: CLI, tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text(SMALL_FORM.format(version=1, label="People").replace("integer", "intgr"))
    r = cli("forms", "validate", str(bad), home=False)
    assert r.code == 1
    assert "broken.yaml" in r.out
    assert "fields[0]" in r.out
    assert "fieldkit: error:" in r.err


def test_list_without_profile_shows_library(cli: CLI) -> None:
    r = cli("forms", "list", "--json")
    assert r.code == 0
    ids = {f["id"] for f in json.loads(r.out)}
    assert ids == {f.id for f in library_forms()}


def test_install_new_version_then_again_then_conflict(cli: CLI, tmp_path: Path) -> None:
    assert cli("init", "--role", "fieldworker", "--name", "Ko Min").code == 0
    v1 = tmp_path / "v1.yaml"
    v1.write_text(SMALL_FORM.format(version=1, label="People"))
    r = cli("forms", "install", str(v1))
    assert r.code == 0, r.err
    assert "Installed village_meeting version 1" in r.out
    r = cli("forms", "install", str(v1))
    assert r.code == 0 and "already installed" in r.out
    changed = tmp_path / "changed.yaml"
    changed.write_text(SMALL_FORM.format(version=1, label="Persons"))
    r = cli("forms", "install", str(changed))
    assert r.code == 1
    assert "higher version" in r.err
    v2 = tmp_path / "v2.yaml"
    v2.write_text(SMALL_FORM.format(version=2, label="Persons"))
    assert cli("forms", "install", str(v2)).code == 0
    listed = json.loads(cli("forms", "list", "--json").out)
    mine = [(f["version"], f["source"]) for f in listed if f["id"] == "village_meeting"]
    assert mine == [(1, "installed"), (2, "installed")]

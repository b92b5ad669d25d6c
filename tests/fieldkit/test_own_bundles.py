"""Importing a whole USB stick: bundles this device wrote itself are recognised and
skipped, not rejected into quarantine."""

from __future__ import annotations

import json
from pathlib import Path

from forms import library_example
from tests.conftest import CLI


def _fingerprint(cli: CLI) -> str:
    return str(json.loads(cli("status", "--json").out)["fingerprint"])


def test_own_bundle_and_own_receipt_are_skipped(make_cli: type[CLI], tmp_path: Path) -> None:
    fw, co = make_cli("fw"), make_cli("co")
    assert fw("init", "--role", "fieldworker", "--name", "Ko Min").code == 0
    assert co("init", "--role", "coordinator", "--name", "Desk").code == 0
    for a, b in ((fw, co), (co, fw)):
        card = tmp_path / f"{a.home.name}.card"
        a("keys", "card", "-o", str(card))
        assert b("keys", "trust", str(card), "--fingerprint", _fingerprint(a)).code == 0
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(library_example("incident")), encoding="utf-8")
    assert fw("record", "new", "incident", "--answers", str(answers), "--seal").code == 0
    stick = tmp_path / "stick"
    stick.mkdir()
    assert fw("export", "--to", str(stick)).code == 0
    (bundle,) = stick.glob("*.fkb")
    r = co("import", str(bundle), "--receipts", str(stick))
    assert r.code == 0, r.out + r.err
    everything = sorted(str(p) for p in stick.glob("*.fkb"))
    assert len(everything) == 2

    # The fieldworker imports all of the stick: its own bundle is skipped, the receipt applied.
    r = fw("import", *everything)
    assert r.code == 0, r.out + r.err
    assert f"{bundle}: skipped: this device wrote this bundle" in r.out
    assert "records marked delivered" in r.out
    assert not (fw.home / "quarantine").exists() or not any((fw.home / "quarantine").iterdir())

    # The coordinator meets the receipt it wrote: skipped too.
    r = co("import", *everything)
    assert r.code == 0, r.out + r.err
    assert "skipped: this device wrote this receipt" in r.out
    assert f"{bundle}: already imported" in r.out


def test_a_changed_copy_of_own_bundle_is_still_rejected(
    make_cli: type[CLI], tmp_path: Path
) -> None:
    fw, co = make_cli("fw"), make_cli("co")
    assert fw("init", "--role", "fieldworker", "--name", "Ko Min").code == 0
    assert co("init", "--role", "coordinator", "--name", "Desk").code == 0
    card = tmp_path / "co.card"
    co("keys", "card", "-o", str(card))
    assert fw("keys", "trust", str(card), "--fingerprint", _fingerprint(co)).code == 0
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(library_example("incident")), encoding="utf-8")
    fw("record", "new", "incident", "--answers", str(answers), "--seal")
    stick = tmp_path / "stick"
    stick.mkdir()
    fw("export", "--to", str(stick))
    (bundle,) = stick.glob("*.fkb")
    data = bytearray(bundle.read_bytes())
    data[-1] ^= 1
    bundle.write_bytes(bytes(data))
    r = fw("import", str(bundle))
    assert r.code == 4
    assert "rejected" in r.out

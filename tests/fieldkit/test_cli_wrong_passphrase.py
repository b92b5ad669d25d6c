"""Every command that opens the store answers a wrong passphrase with exit status 3
and one message, and changes nothing on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forms import library_example
from tests.conftest import CLI


@pytest.fixture
def setup(make_cli: type[CLI], tmp_path: Path) -> tuple[CLI, dict[str, str]]:
    fw, co = make_cli("fw"), make_cli("co")
    assert fw("init", "--role", "fieldworker", "--name", "Ko Min").code == 0
    assert co("init", "--role", "coordinator", "--name", "Desk").code == 0
    card = tmp_path / "co.card"
    co("keys", "card", "-o", str(card))
    answers = tmp_path / "incident.json"
    answers.write_text(json.dumps(library_example("incident")), encoding="utf-8")
    record_id = fw("record", "new", "incident", "--answers", str(answers)).out.strip()
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff fictional")
    out = tmp_path / "out"
    out.mkdir()
    bundle = tmp_path / "nothing.fkb"
    bundle.write_bytes(b"x" * 100)
    return fw, {
        "card": str(card), "answers": str(answers), "id": record_id, "photo": str(photo),
        "out": str(out), "bundle": str(bundle),
    }


COMMANDS = [
    ("status",),
    ("keys", "card"),
    ("keys", "list"),
    ("keys", "trust", "{card}", "--fingerprint", "00000 00000 00000 00000 00000 00000"),
    ("forms", "list"),
    ("record", "new", "incident", "--answers", "{answers}"),
    ("record", "seal", "{id}"),
    ("record", "list"),
    ("record", "show", "{id}"),
    ("record", "verify"),
    ("record", "attach", "{id}", "{photo}"),
    ("record", "delete", "{id}"),
    ("search", "market"),
    ("audit", "verify"),
    ("export", "--to", "{out}"),
    ("import", "{bundle}"),
    ("purge", "--delivered"),
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_wrong_passphrase(setup: tuple[CLI, dict[str, str]], argv: tuple[str, ...]) -> None:
    fw, values = setup
    before = {p.name: p.read_bytes() for p in fw.home.iterdir() if p.is_file()}
    r = fw(*[a.format(**values) for a in argv], passphrase="not the passphrase")
    assert r.code == 3, (r.out, r.err)
    assert r.err.splitlines()[0] == (
        "fieldkit: error: Wrong passphrase: the store could not be unlocked."
    )
    assert "Traceback" not in r.err
    after = {p.name: p.read_bytes() for p in fw.home.iterdir() if p.is_file()}
    assert after == before

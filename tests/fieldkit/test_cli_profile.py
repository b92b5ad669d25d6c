"""The profile commands end to end, as a user types them, in temporary homes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CLI


def init(cli: CLI, role: str = "fieldworker", name: str = "Ko Min") -> str:
    r = cli("init", "--role", role, "--name", name)
    assert r.code == 0, r.err
    return r.out.split("Fingerprint: ")[1].strip()


def test_init_status_json(cli: CLI) -> None:
    fpr = init(cli)
    r = cli("status", "--json")
    assert r.code == 0
    status = json.loads(r.out)
    assert status["role"] == "fieldworker"
    assert status["name"] == "Ko Min"
    assert status["fingerprint"] == fpr
    assert len(fpr.replace(" ", "")) == 30


def test_home_before_and_after_subcommand(cli: CLI) -> None:
    init(cli)
    before = cli("--home", str(cli.home), "status", home=False)
    after = cli("status", "--home", str(cli.home), home=False)
    assert before.code == after.code == 0
    assert before.out == after.out


def test_home_from_environment(cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    init(cli)
    monkeypatch.setenv("FIELDKIT_HOME", str(cli.home))
    assert cli("status", home=False).code == 0


@pytest.mark.parametrize(
    "argv",
    [("status",), ("keys", "card"), ("keys", "list")],
)
def test_wrong_passphrase_exit_3_one_message(cli: CLI, argv: tuple[str, ...]) -> None:
    init(cli)
    before = {p.name: p.read_bytes() for p in cli.home.iterdir()}
    r = cli(*argv, passphrase="wrong passphrase!")
    assert r.code == 3
    lines = r.err.strip().splitlines()
    assert lines[0] == "fieldkit: error: Wrong passphrase: the store could not be unlocked."
    assert all(line.startswith(("fieldkit: error:", "hint:")) for line in lines)
    assert "Traceback" not in r.err
    assert {p.name: p.read_bytes() for p in cli.home.iterdir()} == before


def test_passphrase_file(cli: CLI, tmp_path: Path) -> None:
    init(cli)
    pf = tmp_path / "pass.txt"
    pf.write_text(cli.passphrase + "\n")
    r = cli("status", "--passphrase-file", str(pf), passphrase="ignored-because-file")
    assert r.code == 0, r.err


def test_no_passphrase_no_terminal(cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    init(cli)
    r = cli("status", passphrase="")
    assert r.code == 1
    assert "fieldkit: error:" in r.err


def test_short_passphrase_refused_at_init(cli: CLI) -> None:
    r = cli("init", "--role", "fieldworker", "--name", "x", passphrase="short")
    assert r.code == 1
    assert "shorter than" in r.err
    assert not cli.home.exists() or not any(cli.home.iterdir())


def test_no_profile(cli: CLI) -> None:
    r = cli("status")
    assert r.code == 1
    assert "no fieldkit profile" in r.err
    assert "hint: create one" in r.err


def test_usage_error_exit_2(cli: CLI) -> None:
    r = cli("init", "--role", "king", "--name", "x")
    assert r.code == 2
    r = cli("frobnicate")
    assert r.code == 2


def test_init_twice_refused(cli: CLI) -> None:
    init(cli)
    r = cli("init", "--role", "coordinator", "--name", "Other")
    assert r.code == 1
    assert "already exists" in r.err


def exchange(fw: CLI, co: CLI, tmp_path: Path) -> tuple[Path, str]:
    init(fw, "fieldworker", "Ko Min")
    co_fpr = init(co, "coordinator", "Coordination desk")
    card = tmp_path / "co.card"
    assert co("keys", "card", "-o", str(card)).code == 0
    return card, co_fpr


def test_keys_card_and_trust_by_fingerprint(make_cli: type[CLI], tmp_path: Path) -> None:
    fw, co = make_cli("fw"), make_cli("co")
    card, co_fpr = exchange(fw, co, tmp_path)
    printed = co("keys", "card")
    assert printed.out == card.read_text()
    r = fw("keys", "trust", str(card), "--fingerprint", co_fpr.replace(" ", "-"))
    assert r.code == 0, r.err
    listed = json.loads(fw("keys", "list", "--json").out)
    assert [p["fingerprint"] for p in listed["peers"]] == [co_fpr]
    assert listed["peers"][0]["role"] == "coordinator"
    assert listed["peers"][0]["recipient"].startswith("age1")


def test_trust_refuses_wrong_fingerprint(make_cli: type[CLI], tmp_path: Path) -> None:
    fw, co = make_cli("fw"), make_cli("co")
    card, co_fpr = exchange(fw, co, tmp_path)
    wrong = ("1" if co_fpr[0] != "1" else "2") + co_fpr[1:]
    r = fw("keys", "trust", str(card), "--fingerprint", wrong)
    assert r.code == 1
    assert "does not match" in r.err
    assert json.loads(fw("keys", "list", "--json").out)["peers"] == []


def test_trust_without_fingerprint_needs_a_terminal(make_cli: type[CLI], tmp_path: Path) -> None:
    fw, co = make_cli("fw"), make_cli("co")
    card, _ = exchange(fw, co, tmp_path)
    r = fw("keys", "trust", str(card))
    assert r.code == 2
    assert "--fingerprint" in r.err


def test_trust_refuses_tampered_card(make_cli: type[CLI], tmp_path: Path) -> None:
    fw, co = make_cli("fw"), make_cli("co")
    card, co_fpr = exchange(fw, co, tmp_path)
    text = card.read_text().replace("Coordination desk", "Coordination dusk")
    card.write_text(text)
    r = fw("keys", "trust", str(card), "--fingerprint", co_fpr)
    assert r.code == 1
    assert "fieldkit: error:" in r.err
    assert "Traceback" not in r.err


def test_trust_own_card_refused(cli: CLI, tmp_path: Path) -> None:
    fpr = init(cli)
    card = tmp_path / "me.card"
    cli("keys", "card", "-o", str(card))
    r = cli("keys", "trust", str(card), "--fingerprint", fpr)
    assert r.code == 1
    assert "own card" in r.err


def test_trust_is_audited(make_cli: type[CLI], tmp_path: Path) -> None:
    from fieldkit import audit
    from fieldkit.kdf import TESTING
    from fieldkit.profile import Profile

    fw, co = make_cli("fw"), make_cli("co")
    card, co_fpr = exchange(fw, co, tmp_path)
    fw("keys", "trust", str(card), "--fingerprint", co_fpr)
    with Profile.open(fw.home, fw.passphrase, params=TESTING) as profile:
        actions = [e.action for e in audit.entries(profile.store)]
        assert actions == ["init", "trust"]
        assert audit.verify(profile.store) == 2

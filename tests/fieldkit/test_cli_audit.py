"""'fieldkit audit verify': intact logs pass; edited, deleted and reordered entries are caught."""

from __future__ import annotations

import json

import pytest

from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from tests.conftest import CLI

PASSPHRASE = "correct horse battery staple"


def make_profile(cli: CLI) -> Profile:
    result = cli("init", "--role", "fieldworker", "--name", "Auditor")
    assert result.code == 0, result.err
    profile = Profile.open(cli.home, PASSPHRASE, params=TESTING)
    # A few more entries to tamper with: settings changes are audited.
    profile.update_settings(auto_lock_minutes=7)
    profile.update_settings(language="my")
    profile.update_settings(auto_lock_minutes=9)
    return profile


def test_intact_log(cli: CLI) -> None:
    make_profile(cli).close()
    result = cli("audit", "verify")
    assert (result.code, result.out) == (0, "Audit log intact: 4 entries\n")
    result = cli("audit", "verify", "--json")
    assert json.loads(result.out) == {"intact": True, "entries": 4}


@pytest.mark.parametrize(
    ("tamper", "entry", "reason"),
    [
        ("UPDATE audit_log SET details = '{\"changed\": [\"language\"]}' WHERE seq = 2",
         2, "changed"),
        ("UPDATE audit_log SET action = 'trust' WHERE seq = 3", 3, "changed"),
        ("DELETE FROM audit_log WHERE seq = 2", 2, "missing"),
        ("DELETE FROM audit_log WHERE seq = 1", 1, "missing"),
    ],
)
def test_tampering_is_reported(cli: CLI, tamper: str, entry: int, reason: str) -> None:
    profile = make_profile(cli)
    with profile.store.transaction() as conn:
        conn.execute(tamper)
    profile.close()
    result = cli("audit", "verify")
    assert result.code == 1
    assert result.out == ""
    first = result.err.splitlines()[0]
    assert first.startswith(f"fieldkit: error: The audit log is broken at entry {entry}")
    assert reason in first
    assert "hint:" in result.err


def test_reordered_entries_are_reported(cli: CLI) -> None:
    profile = make_profile(cli)
    with profile.store.transaction() as conn:
        # Swap entries 2 and 3, renumbering so the sequence itself has no gap.
        conn.execute("UPDATE audit_log SET seq = -2 WHERE seq = 2")
        conn.execute("UPDATE audit_log SET seq = 2 WHERE seq = 3")
        conn.execute("UPDATE audit_log SET seq = 3 WHERE seq = -2")
    profile.close()
    result = cli("audit", "verify")
    assert result.code == 1
    assert "broken at entry 2" in result.err


def test_rewritten_chain_from_an_entry_on_is_still_caught(cli: CLI) -> None:
    """Re-hashing one edited entry is not enough: the next entry's prev no longer fits."""
    profile = make_profile(cli)
    with profile.store.transaction() as conn:
        conn.execute("UPDATE audit_log SET hash = zeroblob(32) WHERE seq = 2")
    profile.close()
    result = cli("audit", "verify")
    assert result.code == 1
    assert "broken at entry 2" in result.err


def test_wrong_passphrase(cli: CLI) -> None:
    make_profile(cli).close()
    result = cli("audit", "verify", passphrase="not the passphrase")
    assert result.code == 3

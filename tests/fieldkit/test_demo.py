"""`fieldkit demo --no-open`: a demo profile with sample cases, created once."""

from __future__ import annotations

from pathlib import Path

from fieldkit import records
from fieldkit.demo import DEMO_PASSPHRASE
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from forms import library_forms


def test_demo_creates_once(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "demo"
    # The demo passphrase is used when FIELDKIT_PASSPHRASE is not set.
    result = cli("demo", "--home", str(home), "--no-open", home=False, passphrase="")
    assert result.code == 0, result.err
    assert str(home) in result.out and DEMO_PASSPHRASE in result.out
    with Profile.open(home, DEMO_PASSPHRASE, params=TESTING) as profile:
        summaries = records.list_records(profile)
        statuses = sorted(s.status for s in summaries)
        assert statuses.count("draft") == 1
        assert statuses.count("sealed") == len(library_forms()) + 1
        assert any(s.supersedes for s in summaries)
    with Profile.open(home / "coordinator", DEMO_PASSPHRASE, params=TESTING) as coordinator:
        assert coordinator.role == "coordinator"
        assert [p.role for p in coordinator.peers()] == ["fieldworker"]
    again = cli("demo", "--home", str(home), "--no-open", home=False, passphrase="")
    assert again.code == 0 and "already" in again.out


def test_demo_uses_the_environment_passphrase(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "demo"
    result = cli("demo", "--home", str(home), "--no-open", home=False, passphrase="my own words")
    assert result.code == 0, result.err
    assert DEMO_PASSPHRASE not in result.out
    Profile.open(home, "my own words", params=TESTING).close()

"""The encrypted store: key scheme, file format on disk, modes, transactions, migrations."""

from __future__ import annotations

import os
import sqlite3  # allowed: proves a plain SQLite client cannot read the store
import stat
from pathlib import Path

import pytest

from fieldkit.errors import NoProfile, ProfileExists, StoreError, WrongPassphrase
from fieldkit.kdf import SALT_BYTES, TESTING
from fieldkit.migrations import MIGRATIONS, migrate
from fieldkit.profile import Profile
from fieldkit.store import Store

PASS = "a long enough passphrase"


def make(home: Path, name: str = "Daw Hla (ဒေါ်လှ)") -> Profile:
    return Profile.create(home, PASS, name=name, role="fieldworker", params=TESTING)


def test_file_looks_random_and_hides_content(tmp_path: Path) -> None:
    home = tmp_path / "p"
    with make(home) as profile:
        card = profile.card_text()
    data = (home / "fieldkit.db").read_bytes()
    assert not data.startswith(b"SQLite format 3")
    for secret in (PASS, "Daw Hla", "ဒေါ်လှ", card.splitlines()[2], "fieldworker"):
        assert secret.encode() not in data
    for side in home.iterdir():
        assert b"SQLite format 3" not in side.read_bytes()[:16]


def test_plain_sqlite_cannot_open(tmp_path: Path) -> None:
    make(tmp_path / "p").close()
    conn = sqlite3.connect(tmp_path / "p" / "fieldkit.db")
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT * FROM sqlite_master").fetchall()
    conn.close()


def test_salt_is_sqlciphers_file_salt(tmp_path: Path) -> None:
    salt = bytes(range(16))
    store = Store.create(tmp_path / "p", PASS, params=TESTING, rand=lambda n: salt[:n])
    store.close()
    assert (tmp_path / "p" / "fieldkit.db").read_bytes()[:SALT_BYTES] == salt
    Store.open(tmp_path / "p", PASS, params=TESTING).close()


def test_modes(tmp_path: Path) -> None:
    home = tmp_path / "p"
    with make(home) as profile:
        with profile.store.transaction() as conn:
            conn.execute("INSERT INTO profile (key, value) VALUES ('x', 'y')")
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        for path in home.iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_wrong_passphrase_changes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "p"
    make(home).close()
    before = {p.name: p.read_bytes() for p in home.iterdir()}
    with pytest.raises(WrongPassphrase):
        Store.open(home, "not the passphrase", params=TESTING)
    after = {p.name: p.read_bytes() for p in home.iterdir()}
    assert before == after


def test_pragmas(tmp_path: Path) -> None:
    with make(tmp_path / "p") as profile:
        q = profile.store.query_one
        assert q("PRAGMA journal_mode")[0] == "wal"  # type: ignore[index]
        assert q("PRAGMA secure_delete")[0] == 1  # type: ignore[index]
        assert q("PRAGMA temp_store")[0] == 2  # type: ignore[index]
        assert profile.store.integrity_check() == "ok"


def test_no_profile_and_existing_profile(tmp_path: Path) -> None:
    with pytest.raises(NoProfile):
        Store.open(tmp_path / "nothing", PASS, params=TESTING)
    make(tmp_path / "p").close()
    with pytest.raises(ProfileExists):
        make(tmp_path / "p")


def test_damaged_file(tmp_path: Path) -> None:
    home = tmp_path / "p"
    home.mkdir()
    (home / "fieldkit.db").write_bytes(b"short")
    with pytest.raises(StoreError):
        Store.open(home, PASS, params=TESTING)
    (home / "fieldkit.db").write_bytes(os.urandom(8192))
    with pytest.raises(WrongPassphrase):
        Store.open(home, PASS, params=TESTING)


def test_transactions_roll_back_and_nest(tmp_path: Path) -> None:
    with make(tmp_path / "p") as profile:
        store = profile.store
        with pytest.raises(RuntimeError), store.transaction() as conn:
            conn.execute("INSERT INTO profile (key, value) VALUES ('a', '1')")
            raise RuntimeError
        assert store.query_one("SELECT value FROM profile WHERE key = 'a'") is None
        with store.transaction() as conn:
            conn.execute("INSERT INTO profile (key, value) VALUES ('b', '1')")
            with pytest.raises(RuntimeError), store.transaction() as inner:
                inner.execute("INSERT INTO profile (key, value) VALUES ('c', '1')")
                raise RuntimeError
        assert store.query_one("SELECT value FROM profile WHERE key = 'b'") == ("1",)
        assert store.query_one("SELECT value FROM profile WHERE key = 'c'") is None


def test_locked_store_refuses(tmp_path: Path) -> None:
    profile = make(tmp_path / "p")
    profile.close()
    with pytest.raises(StoreError):
        profile.store.query("SELECT 1")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "newer"
    s = Store.create(home, PASS, params=TESTING)
    with s.transaction() as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    s.close()
    with pytest.raises(StoreError, match="newer version"):
        Store.open(home, PASS, params=TESTING)


def test_migrate_step_by_step(tmp_path: Path) -> None:
    """Every migration applies cleanly on top of the one before it."""
    from fieldkit.locations import ProfilePaths
    from fieldkit.store import _connect

    home = tmp_path / "steps"
    home.mkdir(mode=0o700)
    salt, key = os.urandom(16), os.urandom(32)
    store = Store(_connect(home / "fieldkit.db", key, salt), ProfilePaths(home))
    for version in range(1, len(MIGRATIONS) + 1):
        migrate(store, target=version)
        assert store.user_version == version
        assert store.integrity_check() == "ok"
    store.close()

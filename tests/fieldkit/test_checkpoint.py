"""The background checkpoint after a large batch write: a second connection copies the
write-ahead log into the database while the first goes on; closing waits for it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldkit.kdf import TESTING, derive_key
from fieldkit.locations import ProfilePaths
from fieldkit.store import Store, _connect

PASS = "checkpoint test passphrase"
ROWS = 3000  # a few megabytes of log: several thousand pages past the auto-checkpoint


def fill(store: Store, rows: int = ROWS, *, start: int = 0) -> None:
    with store.transaction() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS filler (n INTEGER PRIMARY KEY, body BLOB)")
        conn.executemany("INSERT INTO filler VALUES (?, zeroblob(3000))",
                         ((start + i,) for i in range(rows)))


def sizes(paths: ProfilePaths) -> tuple[int, int]:
    wal = paths.home / "fieldkit.db-wal"
    return paths.database.stat().st_size, wal.stat().st_size if wal.exists() else 0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.create(tmp_path / "home", PASS, params=TESTING)
    yield s
    s.close()


def test_a_deferred_commit_leaves_the_log_for_the_background(store: Store,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    started: list[bool] = []
    monkeypatch.setattr(store, "_checkpoint_soon", lambda: started.append(True))
    db_before, _ = sizes(store.paths)
    with store.deferred_checkpoint():
        fill(store)
    db_after, wal_after = sizes(store.paths)
    assert started == [True]
    assert db_after == db_before  # nothing copied at the commit
    assert wal_after > ROWS * 3000
    assert store.query_one("PRAGMA wal_autocheckpoint") == (1000,)  # restored


def test_the_background_copies_the_log_into_the_database(store: Store) -> None:
    db_before, _ = sizes(store.paths)
    names: list[str] = []
    real_start = threading.Thread.start

    def start(thread: threading.Thread) -> None:
        names.append(thread.name)
        real_start(thread)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(threading.Thread, "start", start)
        with store.deferred_checkpoint():
            fill(store)
    store.wait_for_checkpoint()
    assert names == ["fieldkit-checkpoint"]
    assert not any(t.name == "fieldkit-checkpoint" for t in threading.enumerate())
    db_after, _ = sizes(store.paths)
    assert db_after > db_before + ROWS * 3000  # the rows are in the database file now


def test_without_a_second_connection_commits_checkpoint_as_before(tmp_path: Path) -> None:
    home = tmp_path / "plain"
    Store.create(home, PASS, params=TESTING).close()
    paths = ProfilePaths(home)
    salt = paths.database.read_bytes()[:16]
    key = derive_key(PASS, salt, TESTING)
    store = Store(_connect(paths.database, key, salt), paths)  # no checkpointer
    try:
        db_before, _ = sizes(paths)
        with store.deferred_checkpoint():
            fill(store)
        db_after, _ = sizes(paths)
        assert db_after > db_before + ROWS * 3000  # checkpointed at the commit
    finally:
        store.close()


def test_autocheckpoint_is_restored_after_a_failed_write(store: Store) -> None:
    with pytest.raises(RuntimeError), store.deferred_checkpoint():
        fill(store)
        raise RuntimeError("stop")
    assert store.query_one("PRAGMA wal_autocheckpoint") == (1000,)
    store.wait_for_checkpoint()


def test_nested_deferral_restores_only_at_the_outer_end(store: Store) -> None:
    with store.deferred_checkpoint():
        with store.deferred_checkpoint():
            fill(store, 10)
        assert store.query_one("PRAGMA wal_autocheckpoint") == (0,)
    assert store.query_one("PRAGMA wal_autocheckpoint") == (1000,)


def test_closing_waits_for_a_running_checkpoint_and_loses_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = Store.create(home, PASS, params=TESTING)
    for round_ in range(3):
        with store.deferred_checkpoint():
            fill(store, start=round_ * ROWS)
    store.close()  # at once, while the last checkpoint may still be copying
    assert not any(t.name == "fieldkit-checkpoint" for t in threading.enumerate())
    assert not (home / "fieldkit.db-wal").exists() or sizes(ProfilePaths(home))[1] == 0
    again = Store.open(home, PASS, params=TESTING)
    try:
        assert again.integrity_check() == "ok"
        assert again.query_one("SELECT count(*) FROM filler") == (3 * ROWS,)
    finally:
        again.close()


def test_writes_go_on_while_the_background_copies(store: Store) -> None:
    with store.deferred_checkpoint():
        fill(store)
    fill(store, 100, start=ROWS)  # a writer during (or after) the checkpoint: never blocked
    store.wait_for_checkpoint()
    assert store.query_one("SELECT count(*) FROM filler") == (ROWS + 100,)
    assert store.integrity_check() == "ok"


def test_a_request_during_a_running_checkpoint_runs_once_more(store: Store) -> None:
    gate = threading.Event()
    calls: list[int] = []
    real = store._checkpointer
    assert real is not None

    class Slow:
        def execute(self, sql: str) -> object:
            calls.append(1)
            gate.wait(5)
            return real.execute(sql)

        def close(self) -> None:
            real.close()

    store._checkpointer = Slow()
    with store.deferred_checkpoint():
        fill(store, 10)
    with store.deferred_checkpoint():
        fill(store, 10, start=10)  # asks while the first is still running
    assert store.checkpoint_running
    gate.set()
    store.wait_for_checkpoint()
    assert len(calls) == 2
    assert not store.checkpoint_running

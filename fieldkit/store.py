"""The encrypted profile store: one SQLCipher database, keyed by Argon2id.

Key scheme (DESIGN section 4, decided): the 16-byte salt is SQLCipher's own
file salt, so the first 16 bytes of the file are all that is needed to derive
the key again, and the file carries no plaintext header at all. Overwriting
them destroys the data for good.

Every write goes through :meth:`Store.transaction` (``BEGIN IMMEDIATE``, with
savepoints when nested), so there is exactly one write path.

A second connection, opened with the same key when the store is unlocked and
closed with it, only ever copies the write-ahead log into the database
(a *checkpoint*) on a background thread, after a large batch write
(:meth:`Store.deferred_checkpoint`): the batch's records are durable at its
commit, and copying tens of megabytes of log need not hold up whoever is
waiting for the batch.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlcipher3

from fieldkit.errors import NoProfile, ProfileExists, StoreError, WrongPassphrase
from fieldkit.kdf import PRODUCT, SALT_BYTES, KdfParams, derive_key
from fieldkit.locations import ProfilePaths, ensure_private_dir
from fieldkit.migrations import MIGRATIONS, migrate

Row = tuple[Any, ...]
Connection = Any  # sqlcipher3.Connection has no type information


def _connect(path: Path, key: bytes, salt: bytes) -> Connection:
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        # Before keying, so a wrong key gives our one-line message and
        # SQLCipher writes nothing of its own to stderr.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}{salt.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError:
        conn.close()
        raise WrongPassphrase() from None
    try:
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        # FULL: a sealed record survives a power cut once seal() returns.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise StoreError("The store could not be opened.", hint="see 'fieldkit status'") from exc
    return conn


class Store:
    """An open, unlocked profile database."""

    def __init__(
        self, conn: Connection, paths: ProfilePaths, *, checkpointer: Connection | None = None
    ) -> None:
        self._conn: Connection | None = conn
        self.paths = paths
        self._lock = threading.RLock()
        self._depth = 0
        # The background checkpoint: its own connection, thread and lock (never
        # ``_lock``, which a long batch holds).
        self._checkpointer: Connection | None = checkpointer
        self._checkpoint_lock = threading.Lock()
        self._checkpointing: threading.Thread | None = None
        self._checkpoint_again = False
        self._deferring = False

    # -- opening ---------------------------------------------------------

    @classmethod
    def create(
        cls,
        home: Path,
        passphrase: str,
        *,
        params: KdfParams = PRODUCT,
        rand: Callable[[int], bytes] = os.urandom,
    ) -> Store:
        """Create a new, empty, migrated store in ``home``."""
        paths = ProfilePaths(Path(home))
        if paths.database.exists():
            raise ProfileExists(f"A profile already exists in {paths.home}.")
        ensure_private_dir(paths.home)
        salt = rand(SALT_BYTES)
        key = derive_key(passphrase, salt, params)
        # Create the file ourselves so it is 0600 from its first byte; SQLite
        # gives its -wal and -shm files the same mode.
        fd = os.open(paths.database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        try:
            store = cls(_connect(paths.database, key, salt), paths)
            migrate(store)
            store._checkpointer = _connect(paths.database, key, salt)
        except BaseException:
            with contextlib.suppress(OSError):
                paths.database.unlink()
            for side in paths.sidecars():
                with contextlib.suppress(OSError):
                    side.unlink()
            raise
        return store

    @classmethod
    def open(cls, home: Path, passphrase: str, *, params: KdfParams = PRODUCT) -> Store:
        """Unlock the store in ``home``; raise WrongPassphrase if the key does not fit."""
        paths = ProfilePaths(Path(home))
        try:
            with open(paths.database, "rb") as fh:
                salt = fh.read(SALT_BYTES)
        except FileNotFoundError:
            raise NoProfile(f"There is no fieldkit profile in {paths.home}.") from None
        except OSError as exc:
            raise StoreError(
                f"The profile in {paths.home} cannot be read ({exc.strerror}).",
                hint="check the folder's permissions",
            ) from None
        if len(salt) < SALT_BYTES:
            raise StoreError(
                f"The store in {paths.home} is empty or damaged.",
                hint="restore it from a backup, or create a new profile in another folder",
            )
        key = derive_key(passphrase, salt, params)
        store = cls(_connect(paths.database, key, salt), paths)
        try:
            migrate(store)
            store._checkpointer = _connect(paths.database, key, salt)
        except BaseException:
            store.close()
            raise
        return store

    # -- using -----------------------------------------------------------

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise StoreError("The store is locked.", hint="unlock it again")
        return self._conn

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """The one write path: BEGIN IMMEDIATE, or a savepoint when nested."""
        with self._lock:
            conn = self.conn
            depth = self._depth
            if depth == 0:
                conn.execute("BEGIN IMMEDIATE")
            else:
                conn.execute(f"SAVEPOINT sp{depth}")
            self._depth += 1
            try:
                yield conn
            except BaseException:
                self._depth -= 1
                if depth == 0:
                    conn.execute("ROLLBACK")
                else:
                    conn.execute(f"ROLLBACK TO sp{depth}")
                    conn.execute(f"RELEASE sp{depth}")
                raise
            self._depth -= 1
            if depth == 0:
                conn.execute("COMMIT")
            else:
                conn.execute(f"RELEASE sp{depth}")

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        """Run a read-only query and return all rows."""
        with self._lock:
            return list(self.conn.execute(sql, tuple(args)).fetchall())

    def query_one(self, sql: str, args: Sequence[Any] = ()) -> Row | None:
        with self._lock:
            row: Row | None = self.conn.execute(sql, tuple(args)).fetchone()
            return row

    @property
    def user_version(self) -> int:
        row = self.query_one("PRAGMA user_version")
        return int(row[0]) if row else 0

    @property
    def latest_version(self) -> int:
        return len(MIGRATIONS)

    def integrity_check(self) -> str:
        row = self.query_one("PRAGMA integrity_check")
        return str(row[0]) if row else "no answer"

    # -- checkpoints -------------------------------------------------------

    @contextlib.contextmanager
    def deferred_checkpoint(self) -> Iterator[None]:
        """Around one large write: its commit leaves the write-ahead log as it is, and
        the log is copied into the database on a background thread afterwards.

        Without a second connection (or when nested) commits checkpoint as usual.
        The store's lock is held throughout, as a transaction holds it.
        """
        with self._lock:
            if self._conn is None or self._checkpointer is None or self._deferring:
                yield
                return
            conn: Connection = self._conn
            previous = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
            conn.execute("PRAGMA wal_autocheckpoint = 0")
            self._deferring = True
            try:
                yield
            finally:
                self._deferring = False
                if self._conn is conn:  # not closed meanwhile
                    conn.execute(f"PRAGMA wal_autocheckpoint = {previous}")
                    self._checkpoint_soon()

    def _checkpoint_soon(self) -> None:
        with self._checkpoint_lock:
            if self._checkpointer is None:
                return
            if self._checkpointing is not None:
                self._checkpoint_again = True  # the running one goes round once more
                return
            thread = threading.Thread(target=self._checkpoints, name="fieldkit-checkpoint",
                                      daemon=True)
            self._checkpointing = thread
            thread.start()

    def _checkpoints(self) -> None:
        while True:
            with self._checkpoint_lock:
                conn = self._checkpointer
                self._checkpoint_again = False
            if conn is not None:
                # PASSIVE: copies what no reader still needs, never waits for a lock,
                # and lets this process go on reading and writing meanwhile. A
                # checkpoint that fails leaves the log as it was, to be copied by
                # the next one (at the latest when the store closes).
                with contextlib.suppress(Exception):
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            with self._checkpoint_lock:
                if not self._checkpoint_again or self._checkpointer is None:
                    self._checkpointing = None
                    return

    @property
    def checkpoint_running(self) -> bool:
        with self._checkpoint_lock:
            return self._checkpointing is not None

    def wait_for_checkpoint(self) -> None:
        """Return once no background checkpoint is running."""
        with self._checkpoint_lock:
            thread = self._checkpointing
        if thread is not None:
            thread.join()

    def _close_checkpointer(self) -> None:
        with self._checkpoint_lock:
            conn, self._checkpointer = self._checkpointer, None
        self.wait_for_checkpoint()  # a running checkpoint finishes; no new one starts
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def close(self) -> None:
        """Close the database; the key leaves memory with the connections."""
        with self._lock:
            self._close_checkpointer()
            if self._conn is not None:
                with contextlib.suppress(sqlcipher3.Error):
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

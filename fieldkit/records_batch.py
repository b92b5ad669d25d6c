"""Writing many sealed records at once: multi-row INSERTs on a writer thread, with index entries.

Shared by :func:`fieldkit.records.seal_many` (records sealed here) and the
bundle import (records sealed elsewhere): both produce a stream of finished
rows while spending most of their time in Python (validating, encoding,
signing or verifying), so the SQLite work is handed to a second thread in
chunks and overlaps with it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Mapping
from typing import Any

from fieldkit.search import index_new_records
from fieldkit.store import Connection
from forms import Facets, Form, facets, index_text

SealedRow = tuple[Any, ...]
"""The 15 values of :data:`INSERT_SEALED`'s columns, in order (``status`` is fixed)."""
IndexEntry = tuple[str, str, str, Facets]
"""``(record_id, search text in NFC, form_id, facets)``, as :func:`index_new_records` takes."""
Write = Callable[[Connection, list[SealedRow], list[IndexEntry]], None]

INSERT_SEALED = (
    "INSERT INTO records (id, form_id, form_version, author, created_at, updated_at, status,"
    " answers, seq, prev, hash, signature, canonical, supersedes, sealed_at, origin) VALUES "
)
SEALED_ROW = "(?, ?, ?, ?, ?, ?, 'sealed', ?, ?, ?, ?, ?, ?, ?, ?, ?)"


BATCH_CACHE_KIB = 64 * 1024
"""SQLite's page cache while a batch writes, in KiB (the store's default is 2 MiB)."""


class BatchCache:
    """A larger page cache for one batch write, and the previous size again afterwards.

    Thousands of records touch the same records, facets and full-text index
    pages over and over; with the default cache those pages are written out
    and read back (decrypting them again) many times within one transaction.
    The pages are only allocated as they are used and handed back once the
    previous size is restored (on leaving the ``with`` block, whatever
    happens, or earlier by :meth:`restore`), so the store's memory use is
    unchanged otherwise. Only the thread that owns the connection calls it.
    """

    def __init__(self, conn: Connection, kib: int = BATCH_CACHE_KIB) -> None:
        self._conn = conn
        self._kib = int(kib)
        self._previous: int | None = None

    def __enter__(self) -> BatchCache:
        self._previous = int(self._conn.execute("PRAGMA cache_size").fetchone()[0])
        self._conn.execute(f"PRAGMA cache_size = {-self._kib}")
        return self

    def restore(self) -> None:
        """Go back to the previous size now (streaming attachments needs no big cache)."""
        if self._previous is not None:
            previous, self._previous = self._previous, None
            self._conn.execute(f"PRAGMA cache_size = {previous}")

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is None:
            self.restore()
            return
        try:  # the error on its way out matters more than the cache's size
            self.restore()
        except Exception:
            self._previous = None


def index_entry(form: Form, answers: Mapping[str, Any], *, include_sensitive: bool
                ) -> tuple[str, Facets]:
    """A record's search text (in NFC; the form's title is in it as a key) and facets."""
    return index_text(form, answers, include_sensitive=include_sensitive), facets(form, answers)


def write_sealed(conn: Connection, rows: list[SealedRow], entries: list[IndexEntry]) -> None:
    """Insert new sealed rows and their index entries, one statement per table."""
    if rows:
        conn.execute(
            INSERT_SEALED + ", ".join([SEALED_ROW] * len(rows)),
            [value for row in rows for value in row],
        )
    index_new_records(conn, entries, normalised=True)


class BatchWriter:
    """Writes sealed rows and index entries on a second thread, in chunks.

    Each chunk is a few multi-row INSERTs: long stretches of SQLite work
    (tokenising text for the trigram index, encrypting pages) that run
    without Python's lock, so the caller's work on the next records overlaps
    with writing the previous ones. (One statement per record would hand the
    lock back and forth thousands of times and overlap nothing.) Only one
    thread uses the connection at a time: the caller drains the writer
    before it touches the connection itself, and closes it (always) before
    the transaction ends, so a failure on either side still rolls back
    everything. ``write`` does the writing of one chunk (by default
    :func:`write_sealed`); what it raises is raised to the caller.
    """

    CHUNK = 64  # records per chunk; at most two chunks wait, bounding memory

    def __init__(self, conn: Connection, write: Write = write_sealed, *,
                 name: str = "fieldkit-seal-writer") -> None:
        self._conn = conn
        self._write = write
        self._rows: list[SealedRow] = []
        self._entries: list[IndexEntry] = []
        self._jobs: queue.Queue[tuple[list[SealedRow], list[IndexEntry]] | None] = (
            queue.Queue(maxsize=2)
        )
        self._error: BaseException | None = None
        self._cancelled = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                if self._error is None and not self._cancelled:  # else only empty the queue
                    self._write(self._conn, *job)
            except BaseException as exc:
                self._error = exc
            finally:
                self._jobs.task_done()

    def _check(self) -> None:
        if self._error is not None:
            raise self._error

    def add(self, row: SealedRow, entry: IndexEntry) -> None:
        self._rows.append(row)
        self._entries.append(entry)
        if len(self._rows) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        """Hand the records added so far to the writer."""
        if self._rows:
            self._check()
            self._jobs.put((self._rows, self._entries))
            self._rows, self._entries = [], []

    def drain(self) -> None:
        """Hand over what was added and wait until the writer is idle (raise what it raised)."""
        self.flush()
        self._jobs.join()
        self._check()

    def close(self, *, quiet: bool = False) -> None:
        """Stop the writer after its queued work; raise what it raised unless ``quiet``
        (the caller is failing: the queued work is skipped, it will be rolled back);
        otherwise what was added and not yet handed over is written first."""
        try:
            if not quiet:
                self.flush()
        finally:  # the thread stops whatever happens
            self._cancelled = quiet
            self._jobs.put(None)
            self._thread.join()
        if not quiet:
            self._check()

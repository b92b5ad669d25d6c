"""Batch seals and imports write with a larger page cache, and give the previous size back."""

from __future__ import annotations

import gc
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldkit import records
from fieldkit.exchange import export_bundle, import_bundle
from fieldkit.exchange import import_ as import_module
from fieldkit.records_batch import BATCH_CACHE_KIB, BatchCache, BatchWriter, write_sealed
from fieldkit.store import Connection
from tests.fieldkit.test_exchange_support import Pair, answers, make_pair, seal


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    p = make_pair(tmp_path)
    yield p
    p.close()


def _cache_size(conn: Connection) -> int:
    return int(conn.execute("PRAGMA cache_size").fetchone()[0])


def _spying_writer(seen: list[int]) -> type[BatchWriter]:
    """A BatchWriter whose chunks note the cache size they were written with."""

    class Spy(BatchWriter):
        def __init__(self, conn: Connection, write: Any = write_sealed, **kw: Any) -> None:
            def noted(c: Connection, rows: Any, entries: Any) -> None:
                seen.append(_cache_size(c))
                write(c, rows, entries)

            super().__init__(conn, noted, **kw)

    return Spy


def test_seal_many_writes_with_a_big_cache_and_restores_it(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    monkeypatch.setattr(records, "BatchWriter", _spying_writer(seen))
    conn = pair.field.store.conn
    conn.execute("PRAGMA cache_size = -1234")
    records.seal_many(pair.field, [("kat_form", answers(n)) for n in range(1, 100)])
    assert seen and set(seen) == {-BATCH_CACHE_KIB}
    assert _cache_size(conn) == -1234


def test_seal_many_restores_the_cache_when_it_fails(pair: Pair) -> None:
    conn = pair.field.store.conn
    before = _cache_size(conn)
    items = [("kat_form", answers(n)) for n in range(1, 200)]
    items[150] = ("kat_form", {"summary": "no count"})
    with pytest.raises(records.AnswersInvalid):
        records.seal_many(pair.field, items)
    assert _cache_size(conn) == before
    assert pair.field.store.query_one("SELECT count(*) FROM records") == (0,)


def test_seal_many_pauses_garbage_collection_only_while_it_runs(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    during: list[bool] = []
    real = records.canonical_answers
    monkeypatch.setattr(records, "canonical_answers",
                        lambda a: (during.append(gc.isenabled()), real(a))[1])
    assert gc.isenabled()
    records.seal_many(pair.field, [("kat_form", answers(n)) for n in range(1, 5)])
    assert during == [False] * 4 and gc.isenabled()
    items = [("kat_form", answers(1)), ("kat_form", {"summary": "no count"})]
    with pytest.raises(records.AnswersInvalid):
        records.seal_many(pair.field, items)
    assert gc.isenabled()
    gc.disable()
    try:  # a caller that had it off keeps it off
        records.seal_many(pair.field, [("kat_form", answers(9))])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_batch_cache_restore_is_idempotent_and_quiet_on_errors(pair: Pair) -> None:
    conn = pair.field.store.conn
    before = _cache_size(conn)
    with BatchCache(conn, 4096) as cache:
        assert _cache_size(conn) == -4096
        cache.restore()
        assert _cache_size(conn) == before
        conn.execute("PRAGMA cache_size = -777")
    assert _cache_size(conn) == -777  # restored once only
    conn.execute(f"PRAGMA cache_size = {before}")
    with pytest.raises(ZeroDivisionError), BatchCache(conn):
        raise ZeroDivisionError
    assert _cache_size(conn) == before


def test_import_uses_the_big_cache_for_records_only(
    pair: Pair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    monkeypatch.setattr(import_module, "BatchWriter", _spying_writer(seen))
    at_attachment: list[int] = []
    store_blob = import_module.store_blob

    def noting_store_blob(conn: Connection, chunks: Any) -> Any:
        at_attachment.append(_cache_size(conn))
        return store_blob(conn, chunks)

    monkeypatch.setattr(import_module, "store_blob", noting_store_blob)
    for n in range(1, 4):
        seal(pair.field, n)
    seal(pair.field, 4, files=[random.Random(4).randbytes(200_000)])
    result = export_bundle(pair.field, tmp_path)
    assert result is not None
    conn = pair.coord.store.conn
    before = _cache_size(conn)
    with open(result.path, "rb") as src:
        import_bundle(pair.coord, src)
    assert seen and set(seen) == {-BATCH_CACHE_KIB}
    assert at_attachment == [before]  # attachments stream with the usual cache
    assert _cache_size(conn) == before

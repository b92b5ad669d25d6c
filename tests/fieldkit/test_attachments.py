"""Attachments: streaming in and out, dedup, refusal on sealed records, tamper detection."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldkit import attachments as att
from fieldkit import audit
from fieldkit.attachments import (
    AttachmentCorrupt,
    AttachmentError,
    AttachmentRef,
    AttachmentRefused,
    UnknownAttachment,
    add_attachment,
    attachment_size,
    attachments_of,
    open_attachment,
    remove_attachment,
)
from fieldkit.kdf import TESTING
from fieldkit.store import Store

PASS = "attachments test passphrase"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOW


def insert_draft(store: Store, record_id: str) -> None:
    """A bare draft row, so these tests do not depend on the records API."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO records (id, form_id, form_version, author, created_at, updated_at,"
            " status, answers) VALUES (?, 'incident_report', 1, '1234', ?, ?, 'draft', '{}')",
            (record_id, "2026-03-01T12:00:00Z", "2026-03-01T12:00:00Z"),
        )


def mark_sealed(store: Store, record_id: str) -> None:
    with store.transaction() as conn:
        conn.execute(
            "UPDATE records SET status = 'sealed', seq = 1, prev = ?, hash = ?, signature = ?"
            " WHERE id = ?",
            (bytes(32), bytes(32), bytes(64), record_id),
        )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.create(tmp_path / "home", PASS, params=TESTING)
    insert_draft(s, "rec-a")
    insert_draft(s, "rec-b")
    yield s
    s.close()


def read_all(store: Store, sha256: str) -> bytes:
    with open_attachment(store, sha256) as reader:
        return reader.read()


class PatternReader(io.RawIOBase):
    """``size`` bytes generated on the fly (never materialised), in uneven reads."""

    def __init__(self, size: int, seed: bytes = b"seed") -> None:
        super().__init__()
        self.size = size
        self.pos = 0
        self.block = hashlib.sha512(seed).digest() * 1024  # 64 KiB pattern
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.pos
        if left <= 0:
            return b""
        # At most one pattern block per call: short reads must be handled.
        n = min(left, len(self.block) if n < 0 else n, len(self.block))
        out = self.pos.to_bytes(8, "big") + self.block[8:n] if n > 8 else self.block[:n]
        self.pos += n
        self.digest.update(out)
        return out


def test_round_trip_with_guessed_mime(store: Store) -> None:
    data = b"%PDF-1.4 fictional statement\n" * 100
    ref = add_attachment(store, "rec-a", io.BytesIO(data), "statement.pdf", clock=fixed_clock)
    assert ref == AttachmentRef(hashlib.sha256(data).hexdigest(), len(data), "statement.pdf",
                                "application/pdf")
    assert attachments_of(store, "rec-a") == [ref]
    assert attachment_size(store, ref.sha256) == len(data)
    assert read_all(store, ref.sha256) == data


def test_explicit_mime_and_unknown_extension(store: Store) -> None:
    a = add_attachment(store, "rec-a", io.BytesIO(b"x"), "photo.jpg", "image/jpeg")
    b = add_attachment(store, "rec-a", io.BytesIO(b"y"), "notes.zzqq")
    assert a.mime == "image/jpeg"
    assert b.mime == "application/octet-stream"


def test_name_keeps_burmese_and_drops_paths_and_control_characters(store: Store) -> None:
    ref = add_attachment(store, "rec-a", io.BytesIO(b"1"), "/home/u/ရွာသစ်\x1b[31m.jpg")
    assert ref.name == "ရွာသစ်?[31m.jpg"
    with pytest.raises(AttachmentError):
        add_attachment(store, "rec-a", io.BytesIO(b"1"), "dir/")


def test_attachments_are_ordered_by_sha256(store: Store) -> None:
    refs = [add_attachment(store, "rec-a", io.BytesIO(bytes([i])), f"f{i}") for i in range(6)]
    assert [r.sha256 for r in attachments_of(store, "rec-a")] == sorted(r.sha256 for r in refs)
    with store.transaction() as conn:
        assert attachments_of(conn, "rec-a") == attachments_of(store, "rec-a")


def test_empty_file(store: Store) -> None:
    ref = add_attachment(store, "rec-a", io.BytesIO(b""), "empty.txt")
    assert ref.size == 0
    assert read_all(store, ref.sha256) == b""


def test_same_content_is_stored_once(store: Store) -> None:
    data = os.urandom(3000)
    a = add_attachment(store, "rec-a", io.BytesIO(data), "one.bin")
    b = add_attachment(store, "rec-b", io.BytesIO(data), "two.bin")
    assert a.sha256 == b.sha256 and (a.name, b.name) == ("one.bin", "two.bin")
    assert store.query("SELECT count(*) FROM attachment_blobs") == [(1,)]
    assert store.query("SELECT count(*) FROM attachment_chunks") == [(1,)]
    # Again to the same record: no second link, no second audit entry.
    before = len(audit.entries(store))
    assert add_attachment(store, "rec-a", io.BytesIO(data), "again.bin") == a
    assert len(audit.entries(store)) == before
    # The content stays while any record uses it.
    remove_attachment(store, "rec-a", a.sha256)
    assert attachments_of(store, "rec-a") == []
    assert read_all(store, b.sha256) == data
    remove_attachment(store, "rec-b", b.sha256)
    assert store.query("SELECT count(*) FROM attachment_blobs") == [(0,)]
    assert store.query("SELECT count(*) FROM attachment_chunks") == [(0,)]
    with pytest.raises(UnknownAttachment):
        open_attachment(store, a.sha256)
    with pytest.raises(UnknownAttachment):
        remove_attachment(store, "rec-b", b.sha256)


def test_audit_entries_name_no_file(store: Store) -> None:
    ref = add_attachment(store, "rec-a", io.BytesIO(b"abc"), "Daw Khin statement.txt",
                         clock=fixed_clock)
    remove_attachment(store, "rec-a", ref.sha256, clock=fixed_clock)
    tail = audit.entries(store)[-2:]
    assert [(e.action, e.subject) for e in tail] == [("attach", "rec-a"), ("detach", "rec-a")]
    assert tail[0].details == {"sha256": ref.sha256, "size": 3}
    assert "Khin" not in json.dumps([e.details for e in audit.entries(store)])
    assert audit.verify(store) == len(audit.entries(store))


def test_sealed_and_unknown_records_are_refused(store: Store) -> None:
    ref = add_attachment(store, "rec-a", io.BytesIO(b"before"), "a.txt")
    mark_sealed(store, "rec-a")
    with pytest.raises(AttachmentRefused) as caught:
        add_attachment(store, "rec-a", io.BytesIO(b"after"), "b.txt")
    assert "sealed" in caught.value.message
    with pytest.raises(AttachmentRefused):
        remove_attachment(store, "rec-a", ref.sha256)
    with pytest.raises(AttachmentError, match="no record"):
        add_attachment(store, "no-such-record", io.BytesIO(b"x"), "c.txt")
    # Nothing of the refused attempts was left behind.
    assert store.query("SELECT count(*) FROM attachment_blobs") == [(1,)]
    assert attachments_of(store, "rec-a") == [ref]


def test_failed_source_leaves_nothing(store: Store) -> None:
    class Failing(io.RawIOBase):
        calls = 0

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            self.calls += 1
            if self.calls > 2:
                raise OSError("device removed")
            return b"z" * 100

    with pytest.raises(OSError):
        add_attachment(store, "rec-a", Failing(), "x.bin")
    assert store.query("SELECT count(*) FROM attachment_chunks") == [(0,)]
    assert store.query("SELECT count(*) FROM attachment_blobs") == [(0,)]


@pytest.mark.parametrize("damage", ["edit", "delete", "truncate", "append"])
def test_tampered_content_is_detected_on_read(
    store: Store, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    monkeypatch.setattr(att, "CHUNK_BYTES", 1000)
    data = os.urandom(3500)
    ref = add_attachment(store, "rec-a", io.BytesIO(data), "x.bin")
    with store.transaction() as conn:
        if damage == "edit":
            conn.execute("UPDATE attachment_chunks SET data = ? WHERE seq = 1", (b"\0" * 1000,))
        elif damage == "delete":
            conn.execute("DELETE FROM attachment_chunks WHERE seq = 2")
        elif damage == "truncate":
            conn.execute("UPDATE attachment_chunks SET data = ? WHERE seq = 3", (b"\0" * 10,))
        else:
            conn.execute("UPDATE attachment_chunks SET data = data || x'00' WHERE seq = 3")
    with pytest.raises(AttachmentCorrupt), open_attachment(store, ref.sha256) as reader:
        for _ in reader.chunks():
            pass


def test_reader_chunks_and_small_reads(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(att, "CHUNK_BYTES", 1000)
    data = os.urandom(2500)
    ref = add_attachment(store, "rec-a", io.BytesIO(data), "x.bin")
    assert store.query("SELECT count(*) FROM attachment_chunks") == [(3,)]
    with open_attachment(store, ref.sha256) as reader:
        assert b"".join(reader.chunks()) == data
        assert reader.verified
    with open_attachment(store, ref.sha256) as reader:
        parts = []
        while part := reader.read(333):
            parts.append(part)
        assert b"".join(parts) == data and reader.verified
    with open_attachment(store, ref.sha256) as reader:
        buffered = io.BufferedReader(reader, buffer_size=512)
        assert buffered.read() == data


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=700), chunk=st.integers(min_value=1, max_value=300))
def test_round_trip_property(
    store: Store, monkeypatch: pytest.MonkeyPatch, data: bytes, chunk: int
) -> None:
    monkeypatch.setattr(att, "CHUNK_BYTES", chunk)
    ref = add_attachment(store, "rec-b", io.BytesIO(data), "p.bin")
    assert ref.size == len(data)
    assert read_all(store, ref.sha256) == data


@pytest.mark.slow
def test_large_file_streams_with_bounded_memory(store: Store) -> None:
    """64 MiB in and out of the store without holding it: peak far below the size."""
    size = 64 * 1024 * 1024
    src = PatternReader(size)
    tracemalloc.start()
    try:
        ref = add_attachment(store, "rec-a", src, "video.mp4")
        _, peak_in = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        check = hashlib.sha256()
        total = 0
        with open_attachment(store, ref.sha256) as reader:
            for chunk in reader.chunks():
                check.update(chunk)
                total += len(chunk)
            assert reader.verified
        _, peak_out = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ref.size == size == total
    assert ref.sha256 == src.digest.hexdigest() == check.hexdigest()
    assert ref.mime == "video/mp4"
    assert peak_in < 8 * 1024 * 1024, peak_in
    assert peak_out < 8 * 1024 * 1024, peak_out


def test_no_plaintext_copy_outside_the_store(store: Store, tmp_path: Path) -> None:
    marker = b"UNIQUE-PLAINTEXT-MARKER-" * 5000
    ref = add_attachment(store, "rec-a", io.BytesIO(marker), "m.txt")
    assert read_all(store, ref.sha256) == marker
    names = sorted(p.name for p in (tmp_path / "home").iterdir())
    assert all(n.startswith(store.paths.database.name) for n in names), names
    for path in (tmp_path / "home").iterdir():
        assert b"UNIQUE-PLAINTEXT-MARKER" not in path.read_bytes()

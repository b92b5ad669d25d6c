"""Writer → reader round trips for bundles, with real keys and two recipients."""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest

from keys.identity import Identity, PublicIdentity
from sync.bundle import (
    BundleEntry,
    BundleReader,
    EntrySource,
    read_bundle,
    write_bundle,
    write_bundle_file,
)
from sync.errors import BundleWriteError, CorruptBundle, SourceChanged
from sync.manifest import ChainRange
from sync.receipt import Receipt, parse_receipt, receipt_to_bytes

FIELD = Identity.generate()
COORD = Identity.generate()
SECOND = Identity.generate()
ENROLLED = {i.public.fingerprint_digits: i.public for i in (FIELD, COORD, SECOND)}
RECORD_ID = "01890a5d-ac96-774b-bcce-b302099a8057"


def trusted(fingerprint: str) -> PublicIdentity | None:
    return ENROLLED.get(fingerprint)


def counter_rand() -> Callable[[int], bytes]:
    """A deterministic byte source, so two writes can be compared byte for byte."""
    state = {"n": 0}

    def rand(n: int) -> bytes:
        out = bytes((state["n"] + i) % 256 for i in range(n))
        state["n"] += n
        return out

    return rand


class Pattern(io.RawIOBase):
    """A readable stream of ``size`` pseudo-random bytes, produced on demand."""

    def __init__(self, size: int, seed: bytes = b"seed") -> None:
        super().__init__()
        self._left = size
        self._block = hashlib.sha256(seed).digest() * 2048  # 64 KiB
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self._left, len(self._block) - self._pos)
        buffer[:n] = self._block[self._pos : self._pos + n]
        self._pos = (self._pos + n) % len(self._block)
        self._left -= n
        return n


def pattern_digest(size: int) -> str:
    digest = hashlib.sha256()
    stream = Pattern(size)
    while piece := stream.read(1 << 20):
        digest.update(piece)
    return digest.hexdigest()


def pattern_entry(size: int) -> EntrySource:
    sha = pattern_digest(size)
    return EntrySource(f"attachments/{sha}", size, sha, lambda: Pattern(size))  # type: ignore[arg-type,return-value]


def small_entries() -> list[EntrySource]:
    form = b'{"id":"incident","version":1}'
    record = b'{"id":"' + RECORD_ID.encode() + b'","seq":1}'
    photo = b"\x89PNG fake photo bytes"
    return [
        EntrySource.from_bytes("forms/incident@1.json", form),
        EntrySource.from_bytes(f"records/{RECORD_ID}.json", record),
        EntrySource.from_bytes(f"attachments/{hashlib.sha256(photo).hexdigest()}", photo),
    ]


def write(entries: list[EntrySource], **options: object) -> bytes:
    out = io.BytesIO()
    params: dict[str, object] = {
        "sender": FIELD,
        "sender_role": "fieldworker",
        "recipients": [COORD.public, SECOND.public],
        "kind": "records",
        "chain": ChainRange(
            author=FIELD.public.fingerprint_digits, first_seq=1, last_seq=1, prev=None
        ),
        "entries": entries,
    }
    params.update(options)
    write_bundle(out, **params)  # type: ignore[arg-type]
    return out.getvalue()


def read_all(data: bytes, identity: Identity = COORD) -> tuple[object, dict[str, bytes]]:
    got: dict[str, bytes] = {}

    def keep(entry: BundleEntry) -> None:
        got[entry.path] = entry.read()

    verified = read_bundle(io.BytesIO(data), identity=identity, trusted=trusted, on_entry=keep)
    return verified, got


def test_round_trip_two_recipients() -> None:
    entries = small_entries()
    data = write(entries)
    for reader in (COORD, SECOND):
        verified, got = read_all(data, reader)
        assert list(got) == [e.path for e in entries]
        assert got["forms/incident@1.json"] == b'{"id":"incident","version":1}'
        manifest = verified.manifest  # type: ignore[attr-defined]
        assert verified.sender == FIELD.public  # type: ignore[attr-defined]
        assert manifest.kind == "records"
        assert manifest.sender.fingerprint == FIELD.public.fingerprint_digits
        assert manifest.sender.encryption_key == FIELD.public.recipient
        assert manifest.recipients == (
            COORD.public.fingerprint_digits,
            SECOND.public.fingerprint_digits,
        )
        assert manifest.chain.first_seq == 1


def test_deterministic_with_pinned_clock_and_randomness() -> None:
    one = write(small_entries(), clock=lambda: 1_700_000_000.0, rand=counter_rand())
    two = write(small_entries(), clock=lambda: 1_700_000_000.0, rand=counter_rand())
    assert one == two
    verified, _ = read_all(one)
    manifest = verified.manifest  # type: ignore[attr-defined]
    assert manifest.created_at == "2023-11-14T22:13:20Z"
    assert manifest.bundle_id.startswith("018bcfe5-6800-7")


def test_multi_chunk_attachment_streams_through_sink() -> None:
    size = 5 * 1024 * 1024 + 123
    entry = pattern_entry(size)
    data = write([*small_entries()[:2], entry])
    digest = hashlib.sha256()
    pieces: list[int] = []

    def sink(item: BundleEntry) -> None:
        if item.path.startswith("attachments/"):
            for piece in item.chunks():
                pieces.append(len(piece))
                digest.update(piece)

    read_bundle(io.BytesIO(data), identity=COORD, trusted=trusted, on_entry=sink)
    assert digest.hexdigest() == entry.sha256
    assert max(pieces) <= 1024 * 1024
    assert sum(pieces) == size


def test_unread_entries_are_still_verified() -> None:
    data = write(small_entries())
    seen: list[str] = []
    read_bundle(
        io.BytesIO(data), identity=COORD, trusted=trusted, on_entry=lambda e: seen.append(e.path)
    )
    assert len(seen) == 3


def test_iterator_api_and_read_once() -> None:
    data = write(small_entries())
    reader = BundleReader(io.BytesIO(data), identity=COORD, trusted=trusted)
    assert reader.manifest.kind == "records"
    paths = []
    for entry in reader.entries():
        paths.append(entry.path)
        assert entry.read()
        with pytest.raises(RuntimeError):
            entry.read()
    assert len(paths) == 3
    with pytest.raises(RuntimeError):
        next(reader.entries())


def _read_whole(entry: BundleEntry) -> None:
    entry.read()


def test_large_entry_needs_chunks() -> None:
    data = write([pattern_entry(5 * 1024 * 1024)])
    with pytest.raises(ValueError):
        read_bundle(
            io.BytesIO(data),
            identity=COORD,
            trusted=trusted,
            on_entry=_read_whole,
        )


def _feed(digest: hashlib._Hash, entry: BundleEntry) -> None:
    for piece in entry.chunks():
        digest.update(piece)


def test_memory_stays_bounded(tmp_path: Path) -> None:
    size = 48 * 1024 * 1024
    entry = pattern_entry(size)
    bundle = tmp_path / "big.fkb"
    tracemalloc.start()
    try:
        with bundle.open("wb") as out:
            write_bundle(
                out,
                sender=FIELD,
                sender_role="fieldworker",
                recipients=[COORD.public],
                kind="records",
                chain=None,
                entries=[entry],
            )
        _, write_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        digest = hashlib.sha256()
        with bundle.open("rb") as src:
            read_bundle(
                src,
                identity=COORD,
                trusted=trusted,
                on_entry=lambda entry: _feed(digest, entry),
            )
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert bundle.stat().st_size > size
    assert digest.hexdigest() == entry.sha256
    assert write_peak < 8 * 1024 * 1024, write_peak
    assert read_peak < 8 * 1024 * 1024, read_peak


def test_receipt_bundle() -> None:
    receipt = Receipt.build(
        ["01890a5d-ac96-774b-bcce-b302099a8057"], {FIELD.public.fingerprint_digits: ["ab" * 32]}
    )
    body = receipt_to_bytes(receipt)
    out = io.BytesIO()
    write_bundle(
        out,
        sender=COORD,
        sender_role="coordinator",
        recipients=[FIELD.public],
        kind="receipt",
        chain=None,
        entries=[EntrySource.from_bytes("receipt.json", body)],
    )
    verified, got = read_all(out.getvalue(), FIELD)
    assert verified.manifest.kind == "receipt"  # type: ignore[attr-defined]
    assert parse_receipt(got["receipt.json"]) == receipt


# -- the writer refuses sources that changed ---------------------------------


def _changed(path: str, declared: bytes, actual: bytes) -> EntrySource:
    sha = hashlib.sha256(declared).hexdigest()
    return EntrySource(path, len(declared), sha, lambda: io.BytesIO(actual))


@pytest.mark.parametrize(
    "actual",
    [b"same size, new!", b"shorter", b"longer than it was declared"],
)
def test_source_changed(actual: bytes) -> None:
    entry = _changed(f"records/{RECORD_ID}.json", b"declared bytes!", actual)
    out = io.BytesIO()
    with pytest.raises(SourceChanged):
        write_bundle(
            out,
            sender=FIELD,
            sender_role="fieldworker",
            recipients=[COORD.public],
            kind="records",
            chain=None,
            entries=[entry],
        )
    # What was written before the failure can never pass as a bundle.
    with pytest.raises(CorruptBundle):
        read_all(out.getvalue())


def test_writer_refuses_bad_plan() -> None:
    with pytest.raises(BundleWriteError):
        write([EntrySource.from_bytes("../evil.json", b"x")])


# -- files on disk -------------------------------------------------------------


def test_write_bundle_file(tmp_path: Path) -> None:
    written = write_bundle_file(
        tmp_path,
        sender=FIELD,
        sender_role="fieldworker",
        recipients=[COORD.public],
        kind="records",
        chain=None,
        entries=small_entries(),
    )
    path = written.path
    assert written.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert written.manifest.kind == "records"
    assert path.parent == tmp_path
    assert re.fullmatch(r"[0-9a-f]{32}\.fkb", path.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == [path.name]
    _, got = read_all(path.read_bytes())
    assert len(got) == 3


def _failing_open() -> BinaryIO:
    raise OSError("device removed")


def test_write_bundle_file_cleans_up(tmp_path: Path) -> None:
    bad = [*small_entries(), EntrySource(f"attachments/{'ab' * 32}", 3, "ab" * 32, _failing_open)]
    with pytest.raises(BundleWriteError):
        write_bundle_file(
            tmp_path,
            sender=FIELD,
            sender_role="fieldworker",
            recipients=[COORD.public],
            kind="records",
            chain=None,
            entries=bad,
        )
    changed = [_changed(f"records/{RECORD_ID}.json", b"declared", b"changed!")]
    with pytest.raises(SourceChanged):
        write_bundle_file(
            tmp_path,
            sender=FIELD,
            sender_role="fieldworker",
            recipients=[COORD.public],
            kind="records",
            chain=None,
            entries=changed,
        )
    assert os.listdir(tmp_path) == []


def test_write_bundle_file_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(BundleWriteError):
        write_bundle_file(
            tmp_path / "gone",
            sender=FIELD,
            sender_role="fieldworker",
            recipients=[COORD.public],
            kind="records",
            chain=None,
            entries=small_entries(),
        )

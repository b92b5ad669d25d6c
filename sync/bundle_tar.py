"""The tar layer of a bundle: writing with ``tarfile`` and a strict streaming reader.

Writing goes through ``tarfile`` in stream mode (``"w|"``, ustar). Reading does
not: ``tarfile`` would quietly follow pax and GNU extension headers that can
rename or resize the member after them, so the reader below accepts exactly the
narrow subset our writer produces (plain ustar regular files, names in the
``name`` field alone) and turns everything else into an error.
"""

from __future__ import annotations

import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, Protocol, cast

from sync.errors import CorruptBundle, TrailingData, UnsafeEntry

BLOCK = tarfile.BLOCKSIZE
RECORD = tarfile.RECORDSIZE
CHUNK = 1024 * 1024
"""Piece size for streaming entry data in and out: memory stays bounded by it."""

_NAME = slice(0, 100)
_SIZE = slice(124, 136)
_CHECKSUM = slice(148, 156)
_TYPE = 156
_LINKNAME = slice(157, 257)
_MAGIC = slice(257, 265)
_PREFIX_AND_PAD = slice(345, 512)
_USTAR_MAGIC = b"ustar\x0000"
_KINDS = {
    b"1": "hard link",
    b"2": "symbolic link",
    b"3": "character device",
    b"4": "block device",
    b"5": "folder",
    b"6": "named pipe",
    b"x": "pax extended header",
    b"g": "pax global header",
    b"L": "GNU long name",
    b"K": "GNU long link name",
}


class Writable(Protocol):
    """Anything with ``write``: the age encryptor, or a plain file in tests."""

    def write(self, data: bytes, /) -> object: ...


def open_tar_writer(dst: Writable) -> tarfile.TarFile:
    """A streaming ustar writer; ``bufsize`` and ``copybufsize`` make it pass 1 MiB pieces."""
    tar = tarfile.open(
        fileobj=cast(BinaryIO, dst), mode="w|", format=tarfile.USTAR_FORMAT, bufsize=CHUNK
    )
    tar.copybufsize = CHUNK  # type: ignore[attr-defined]  # missing from typeshed
    return tar


def member_info(path: str, size: int) -> tarfile.TarInfo:
    """A regular-file header that reveals nothing beyond name and size (no owner, no time)."""
    info = tarfile.TarInfo(path)
    info.size = size
    info.mode = 0o600
    info.mtime = 0
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.type = tarfile.REGTYPE
    return info


@dataclass(frozen=True)
class Member:
    """A regular file's header as read from the stream."""

    name: str
    size: int


def _all_nul(data: bytes) -> bool:
    return data.count(0) == len(data)


def _octal(field: bytes) -> int:
    """Parse a NUL- or space-terminated octal field; no base-256, no signs, no gaps."""
    digits = field.rstrip(b"\x00 ")
    if not digits or len(digits) >= len(field) or not all(0x30 <= c <= 0x37 for c in digits):
        raise CorruptBundle()
    return int(digits, 8)


def _safe_name(raw: bytes) -> str:
    """Decode a name field and refuse anything that could escape a folder or hide data."""
    name, _, rest = raw.partition(b"\x00")
    if not _all_nul(rest) or not name:
        raise UnsafeEntry()
    try:
        text = name.decode("ascii")
    except UnicodeDecodeError:
        raise UnsafeEntry() from None
    parts = text.split("/")
    if (
        text.startswith("/")
        or "\\" in text
        or any(part in ("", ".", "..") for part in parts)
        or not text.isprintable()
        or ":" in text
    ):
        raise UnsafeEntry()
    return text


def parse_header(block: bytes) -> Member:
    """Check one 512-byte header and return the regular file it describes."""
    stored = _octal(block[_CHECKSUM])
    unsigned = sum(block[:148]) + 8 * 0x20 + sum(block[156:])
    if stored != unsigned:
        raise CorruptBundle()
    kind = block[_TYPE : _TYPE + 1]
    if kind != tarfile.REGTYPE:
        # Checked before the magic so that GNU headers, whose magic differs, are
        # reported for what they are.
        described = _KINDS.get(kind, "special entry")
        raise UnsafeEntry(f"This bundle holds a {described}, which fieldkit never writes.")
    if block[_MAGIC] != _USTAR_MAGIC:
        raise CorruptBundle()
    if not _all_nul(block[_LINKNAME]) or not _all_nul(block[_PREFIX_AND_PAD]):
        raise UnsafeEntry()
    if block[_SIZE][0] & 0x80:
        raise CorruptBundle()  # base-256 sizes are a GNU extension we never write
    return Member(_safe_name(block[_NAME]), _octal(block[_SIZE]))


class TarReader:
    """Reads members one after another from a stream of plain tar bytes."""

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self._read = read
        self._offset = 0
        self._remaining = 0
        self._padding = 0
        self.finished = False

    def _exact(self, n: int) -> bytes:
        pieces: list[bytes] = []
        wanted = n
        while wanted:
            piece = self._read(wanted)
            if not piece:
                raise CorruptBundle()  # the tar stops in the middle of something
            pieces.append(piece)
            wanted -= len(piece)
        self._offset += n
        return b"".join(pieces)

    def next_member(self) -> Member | None:
        """The next header, or None at the end of the archive (after checking the tail)."""
        if self._remaining or self._padding:
            raise RuntimeError("the previous member was not read to its end")
        block = self._exact(BLOCK)
        if _all_nul(block):
            self._finish()
            return None
        member = parse_header(block)
        self._remaining = member.size
        self._padding = -member.size % BLOCK
        return member

    def read_data(self, limit: int = CHUNK) -> bytes:
        """Up to ``limit`` bytes of the current member; b"" once it is all read."""
        if not self._remaining:
            if self._padding:
                pad = self._exact(self._padding)
                self._padding = 0
                if not _all_nul(pad):
                    raise CorruptBundle()
            return b""
        data = self._exact(min(limit, self._remaining))
        self._remaining -= len(data)
        return data

    def skip_member(self) -> None:
        """Read and drop whatever is left of the current member."""
        while self.read_data():
            pass

    def _finish(self) -> None:
        # ``tarfile`` ends with two zero blocks and pads with zeros to a whole
        # 10 KiB record; anything else after the end is refused, and reading
        # to the true end of the stream is what makes age check its last chunk.
        if not _all_nul(self._exact(BLOCK)):
            raise TrailingData()
        tail = self._offset
        while True:
            piece = self._read(BLOCK)
            if not piece:
                break
            self._offset += len(piece)
            if not _all_nul(piece) or self._offset - tail >= RECORD:
                raise TrailingData()
        if self._offset % RECORD:
            raise TrailingData()
        self.finished = True

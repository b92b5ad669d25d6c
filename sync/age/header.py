"""The age v1 header wire format: stanzas and the MAC line (parse and marshal only)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .errors import HeaderError

INTRO = b"age-encryption.org/v1\n"
FOOTER = b"---"
STANZA_PREFIX = b"->"
COLUMNS_PER_LINE = 64
BYTES_PER_LINE = COLUMNS_PER_LINE // 4 * 3
MAC_SIZE = 32

# A hostile header must not be able to make us buffer without end: real headers
# are a few hundred bytes (post-quantum stanzas a couple of KiB each).
MAX_HEADER_SIZE = 64 * 1024
MAX_STANZAS = 1000

_B64_ALPHABET = re.compile(rb"[A-Za-z0-9+/]*")


class LineReader(Protocol):
    """Anything with a bounded ``readline`` (files, ``io.BufferedReader``, ``io.BytesIO``)."""

    def readline(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class Stanza:
    """One recipient stanza: ``-> type args...`` and the body it wraps."""

    type: str
    args: tuple[str, ...]
    body: bytes

    def __post_init__(self) -> None:
        for arg in (self.type, *self.args):
            if not (arg.isascii() and _is_valid_arg(arg.encode("ascii"))):
                raise ValueError("stanza arguments are non-empty printable ASCII, no spaces")


@dataclass(frozen=True)
class Header:
    """A parsed age header: its stanzas in order and the 32-byte header MAC."""

    stanzas: tuple[Stanza, ...]
    mac: bytes

    def __post_init__(self) -> None:
        if len(self.mac) != MAC_SIZE:
            raise ValueError("the header MAC is 32 bytes")


def b64encode(data: bytes) -> bytes:
    """Standard base64 without padding, as age writes it."""
    return base64.b64encode(data).rstrip(b"=")


def b64decode(data: bytes) -> bytes:
    """Decode canonical unpadded base64; raise ``ValueError`` on anything else.

    Canonical means no padding, no whitespace or newlines, and zero unused bits in
    the last character, so that each byte string has exactly one encoding (we don't
    want any malleability in what the MAC covers).
    """
    if len(data) % 4 == 1 or not _B64_ALPHABET.fullmatch(data):
        raise ValueError("not canonical base64")
    try:
        decoded = base64.b64decode(data + b"=" * (-len(data) % 4), validate=True)
    except binascii.Error:
        raise ValueError("not canonical base64") from None
    if b64encode(decoded) != data:
        raise ValueError("not canonical base64")
    return decoded


def _is_valid_arg(arg: bytes) -> bool:
    return len(arg) > 0 and all(33 <= c <= 126 for c in arg)


def marshal_stanzas(stanzas: Sequence[Stanza]) -> bytes:
    """The header up to and including ``---``: exactly the bytes the header MAC covers."""
    out = bytearray(INTRO)
    for stanza in stanzas:
        out += b" ".join([STANZA_PREFIX, *(a.encode("ascii") for a in (stanza.type, *stanza.args))])
        out += b"\n"
        encoded = b64encode(stanza.body)
        # Every body ends with a short line, empty if the last full line ends it.
        for i in range(0, len(encoded) + 1, COLUMNS_PER_LINE):
            out += encoded[i : i + COLUMNS_PER_LINE] + b"\n"
    out += FOOTER
    return bytes(out)


def marshal_header(header: Header) -> bytes:
    """Encode ``header`` in the age v1 wire format, MAC line included."""
    return marshal_stanzas(header.stanzas) + b" " + b64encode(header.mac) + b"\n"


class _Lines:
    """Reads newline-terminated header lines within the size budget, keeping a copy."""

    def __init__(self, reader: LineReader) -> None:
        self._reader = reader
        self.raw = bytearray()

    def next(self, max_len: int = MAX_HEADER_SIZE) -> bytes:
        """Return the next line without its ``\\n``; raise if it is missing or too long."""
        limit = min(max_len + 1, MAX_HEADER_SIZE - len(self.raw))
        if limit <= 0:
            raise HeaderError("The encrypted file's header is too large.")
        line = self._reader.readline(limit)
        self.raw += line
        if not line.endswith(b"\n"):
            if len(line) < limit:
                raise HeaderError("The encrypted file ends inside its header.")
            raise HeaderError("The encrypted file's header has an overlong line.")
        return line[:-1]


def parse_header(reader: LineReader) -> tuple[Header, bytes]:
    """Parse an age v1 header from ``reader``, leaving it at the first payload byte.

    Returns the header and the bytes its MAC covers (everything up to and including
    ``---``). Raises ``HeaderError`` for anything that is not a well-formed header;
    errors of the underlying reader (e.g. ``ArmorError``) pass through.
    """
    lines = _Lines(reader)
    if lines.next(len(INTRO)) + b"\n" != INTRO:
        raise HeaderError("This is not an age v1 encrypted file, or its version is unsupported.")
    stanzas: list[Stanza] = []
    while True:
        line = lines.next()
        if line.startswith(FOOTER):
            prefix, *args = line.split(b" ")
            if prefix != FOOTER or len(args) != 1:
                raise HeaderError("The encrypted file's header has a malformed MAC line.")
            try:
                mac = b64decode(args[0])
            except ValueError:
                raise HeaderError("The encrypted file's header has a malformed MAC.") from None
            if len(mac) != MAC_SIZE:
                raise HeaderError("The encrypted file's header has a malformed MAC.")
            covered = bytes(lines.raw[: len(lines.raw) - len(line) - 1]) + FOOTER
            return Header(tuple(stanzas), mac), covered
        if not line.startswith(STANZA_PREFIX):
            raise HeaderError("The encrypted file's header has an unexpected line.")
        if len(stanzas) >= MAX_STANZAS:
            raise HeaderError("The encrypted file's header has too many recipients.")
        prefix, *args = line.split(b" ")
        if prefix != STANZA_PREFIX or not args or not all(_is_valid_arg(a) for a in args):
            raise HeaderError("The encrypted file's header has a malformed recipient line.")
        body = bytearray()
        while True:
            body_line = lines.next(COLUMNS_PER_LINE)
            try:
                body += b64decode(body_line)
            except ValueError:
                raise HeaderError("The encrypted file's header has a malformed body.") from None
            if len(body_line) < COLUMNS_PER_LINE:
                break
        texts = [a.decode("ascii") for a in args]
        stanzas.append(Stanza(texts[0], tuple(texts[1:]), bytes(body)))

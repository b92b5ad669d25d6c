"""Reading the ASCII armor age uses for text-safe files (decoding only, strictly)."""

from __future__ import annotations

import base64
import binascii
import io
from typing import TYPE_CHECKING, Protocol

from .errors import ArmorError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
END = b"-----END AGE ENCRYPTED FILE-----"
COLUMNS_PER_LINE = 64
BYTES_PER_LINE = COLUMNS_PER_LINE // 4 * 3
# Whitespace is tolerated around the armor (mail clients and editors add it),
# but not without limit.
MAX_WHITESPACE = 1024
# Longest line we ever need to see: 64 columns and a CRLF, plus one to spot overflow.
_LINE_LIMIT = COLUMNS_PER_LINE + 3


class _Source(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...
    def readline(self, size: int = -1, /) -> bytes: ...


def _strip_eol(line: bytes) -> bytes:
    return line.removesuffix(b"\n").removesuffix(b"\r")


class ArmorReader(io.RawIOBase):
    """Decodes an armored age file from ``src`` as it is read.

    Lines are 64 columns of padded, canonical base64, the last one shorter (or full
    and followed by the END line); nothing else is allowed between BEGIN and END,
    and only whitespace outside. Any deviation raises ``ArmorError``.
    """

    def __init__(self, src: _Source) -> None:
        super().__init__()
        self._src = src
        self._started = False
        self._ended = False
        self._unread = memoryview(b"")
        self._error: ArmorError | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        if not self._unread:
            if self._error is not None:
                raise self._error
            if self._ended:
                return 0
            try:
                self._unread = memoryview(self._decode_line())
            except ArmorError as exc:
                self._error = exc
                raise
        with memoryview(buffer) as view, view.cast("B") as out:
            n = min(len(out), len(self._unread))
            out[:n] = self._unread[:n]
        self._unread = self._unread[n:]
        return n

    def _line(self) -> bytes:
        line = self._src.readline(_LINE_LIMIT)
        if not line:
            raise ArmorError("The armored file ends before its END line.")
        if not line.endswith(b"\n") and len(line) == _LINE_LIMIT:
            raise ArmorError("The armored file has an overlong line.")
        return _strip_eol(line)

    def _begin(self) -> None:
        skipped = 0
        while True:
            line = self._src.readline(MAX_WHITESPACE + len(BEGIN) + 3)
            if not line.endswith(b"\n"):
                raise ArmorError("The armored file has no BEGIN line.")
            if line.strip():
                break
            skipped += len(line)
            if skipped > MAX_WHITESPACE:
                raise ArmorError("The armored file starts with too much whitespace.")
        if _strip_eol(line) != BEGIN:
            raise ArmorError("The armored file has no valid BEGIN line.")
        self._started = True

    def _decode_line(self) -> bytes:
        if not self._started:
            self._begin()
        line = self._line()
        if line == END:
            self._end()
            return b""
        if not line or len(line) > COLUMNS_PER_LINE:
            raise ArmorError("The armored file has a line of the wrong length.")
        try:
            data = base64.b64decode(line, validate=True)
        except binascii.Error:
            raise ArmorError("The armored file has invalid base64.") from None
        if base64.b64encode(data) != line:
            raise ArmorError("The armored file has non-canonical base64.")
        if len(data) < BYTES_PER_LINE:
            # A short line is the last one.
            if self._line() != END:
                raise ArmorError("The armored file has no valid END line.")
            try:
                self._end()
            except ArmorError as exc:
                # This line's data is sound; the error comes with the next read.
                self._error = exc
        return data

    def _end(self) -> None:
        self._ended = True
        rest = bytearray()
        while len(rest) < MAX_WHITESPACE:
            more = self._src.read(MAX_WHITESPACE - len(rest))
            if not more:
                break
            rest += more
        if rest.strip():
            raise ArmorError("The armored file has data after its END line.")
        if len(rest) >= MAX_WHITESPACE:
            raise ArmorError("The armored file ends with too much whitespace.")

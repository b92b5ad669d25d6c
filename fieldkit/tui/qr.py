"""A QR code drawn with half-block characters, two module rows per terminal line."""

from __future__ import annotations

import segno
from rich.text import Text

# Dark modules are drawn black on white whatever the terminal's theme, because
# most phone scanners expect dark modules on a light background.
STYLE = "black on white"
QUIET_ZONE = 2

_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def qr_lines(data: str, *, border: int = QUIET_ZONE) -> list[str]:
    """The QR code of ``data`` as lines of half blocks (a block means a dark module)."""
    code = segno.make(data, error="l", micro=False)
    rows = [[bool(v) for v in row] for row in code.matrix_iter(scale=1, border=border)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    return [
        "".join(_BLOCKS[(top, bottom)] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(rows[0::2], rows[1::2], strict=True)
    ]


def qr_text(data: str) -> Text:
    """``qr_lines`` as Rich text with a fixed black-on-white style."""
    return Text("\n".join(qr_lines(data)), style=STYLE, no_wrap=True)

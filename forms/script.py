"""The Myanmar script's code points, shared by text checks, search and the TUI."""

from __future__ import annotations

# The Myanmar block and its two extensions (Unicode 15), inclusive.
MYANMAR_RANGES = ((0x1000, 0x109F), (0xA9E0, 0xA9FF), (0xAA60, 0xAA7F))


def is_myanmar(char: str) -> bool:
    """Whether ``char`` (one character) is in the Myanmar blocks."""
    point = ord(char)
    return any(start <= point <= end for start, end in MYANMAR_RANGES)

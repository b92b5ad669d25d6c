"""Make Rich measure Burmese the way terminals draw it.

Rich counts Myanmar *spacing* combining marks (Unicode category Mc, e.g. U+102C
MYANMAR VOWEL SIGN AA, U+1031 VOWEL SIGN E, U+103C MEDIAL RA) as zero cells
wide, while terminals that follow the C library's ``wcwidth`` (xterm, VTE,
tmux) give each of them one cell. Every Burmese line then came out wider on
screen than Textual had laid it out, pushing borders and neighbouring panes to
the right and leaving stray glyphs behind when a label changed script.

Non-spacing marks (Mn) stay zero-width on both sides, so only Mc changes.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import rich.cells

from forms.script import MYANMAR_RANGES

SPACING_MARKS = frozenset(
    chr(cp)
    for start, end in MYANMAR_RANGES
    for cp in range(start, end + 1)
    if unicodedata.category(chr(cp)) == "Mc"
)

_rich_size = rich.cells.get_character_cell_size


@lru_cache(maxsize=4096)
def character_cell_size(character: str, unicode_version: str = "auto") -> int:
    """Rich's cell size, except one cell for Myanmar spacing marks."""
    if character in SPACING_MARKS:
        return 1
    return _rich_size(character, unicode_version)


def install() -> None:
    """Swap in the corrected measure (idempotent) and drop Rich's cached lengths."""
    if rich.cells.get_character_cell_size is character_cell_size:
        return
    rich.cells.get_character_cell_size = character_cell_size
    rich.cells.cached_cell_len.cache_clear()

"""Burmese is measured as terminals draw it (one cell per Myanmar spacing mark)."""

from __future__ import annotations

import ctypes
import ctypes.util
import locale

import pytest
import rich.cells

import fieldkit.tui  # noqa: F401  (installs the measure)
from fieldkit.tui.cells import SPACING_MARKS


def test_spacing_marks_are_one_cell_and_others_unchanged() -> None:
    assert "\u102c" in SPACING_MARKS and "\u1031" in SPACING_MARKS
    assert "\u103a" not in SPACING_MARKS  # asat is non-spacing
    assert rich.cells.cell_len("\u102c") == 1
    assert rich.cells.cell_len("\u103a") == 0
    assert rich.cells.cell_len("abc") == 3
    assert rich.cells.cell_len("中") == 2
    # "ရန်ကုန်" (Yangon): consonants 1 each, asat/vowel marks 0 except none spacing here
    word = "မြို့"  # MA, MEDIAL RA (Mc), VOWEL I, VOWEL U, DOT BELOW
    assert rich.cells.cell_len(word) == 2


def test_matches_the_c_library_for_the_myanmar_block() -> None:
    try:
        locale.setlocale(locale.LC_CTYPE, "C.UTF-8")
    except locale.Error:
        pytest.skip("no UTF-8 locale")
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    for cp in range(0x1000, 0x10A0):
        ch = chr(cp)
        expected = libc.wcwidth(ctypes.c_wchar(ch))
        if expected < 0:
            continue
        assert rich.cells.cell_len(ch) == expected, hex(cp)

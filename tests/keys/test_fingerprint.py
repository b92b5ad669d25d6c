"""Tests for the fingerprint construction and for reading typed fingerprints."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keys.errors import KeysError
from keys.fingerprint import (
    FINGERPRINT_DOMAIN,
    fingerprint_digits,
    format_fingerprint,
    normalise_fingerprint,
)

VECTOR = json.loads(
    (Path(__file__).parents[1] / "data" / "keys" / "fingerprint_vector.json").read_text("utf-8")
)
ED = bytes.fromhex(VECTOR["ed25519_pub_hex"])
X = bytes.fromhex(VECTOR["x25519_pub_hex"])
keys32 = st.binary(min_size=32, max_size=32)


def test_known_answer() -> None:
    assert ED == bytes(range(32)) and X == bytes(range(32, 64))
    assert fingerprint_digits(ED, X) == VECTOR["fingerprint_digits"]
    assert format_fingerprint(fingerprint_digits(ED, X)) == VECTOR["fingerprint"]


def test_construction_matches_the_documented_steps() -> None:
    """A second, literal transcription of the module docstring."""
    h = hashlib.sha512(FINGERPRINT_DOMAIN + ED + X).digest()
    for _ in range(5199):
        h = hashlib.sha512(h + ED + X).digest()
    groups = [int.from_bytes(h[i : i + 5], "big") % 100000 for i in range(0, 30, 5)]
    assert " ".join(f"{g:05d}" for g in groups) == VECTOR["fingerprint"]


def test_accepts_any_bytes_like_key() -> None:
    assert fingerprint_digits(bytearray(ED), memoryview(X)) == VECTOR["fingerprint_digits"]  # type: ignore[arg-type]


def test_swapping_the_keys_changes_the_fingerprint() -> None:
    assert fingerprint_digits(X, ED) != fingerprint_digits(ED, X)


@pytest.mark.parametrize("which", ["ed", "x"])
@pytest.mark.parametrize("bit", [0, 7, 100, 255])
def test_one_bit_changes_the_fingerprint(which: str, bit: int) -> None:
    def flip(key: bytes) -> bytes:
        out = bytearray(key)
        out[bit // 8] ^= 1 << (bit % 8)
        return bytes(out)

    ed, x = (flip(ED), X) if which == "ed" else (ED, flip(X))
    assert fingerprint_digits(ed, x) != VECTOR["fingerprint_digits"]


@given(keys32, keys32)
def test_always_thirty_digits_in_six_groups(ed: bytes, x: bytes) -> None:
    digits = fingerprint_digits(ed, x)
    assert len(digits) == 30 and digits.isascii() and digits.isdigit()
    grouped = format_fingerprint(digits)
    assert [len(g) for g in grouped.split(" ")] == [5] * 6
    assert normalise_fingerprint(grouped) == digits


def test_rejects_keys_of_the_wrong_length() -> None:
    with pytest.raises(KeysError):
        fingerprint_digits(ED[:31], X)
    with pytest.raises(KeysError):
        fingerprint_digits(ED, X + b"\x00")


@pytest.mark.parametrize(
    "typed",
    [
        "08867 38001 15592 39357 85229 82808",
        "088673800115592393578522982808",
        "08867-38001-15592-39357-85229-82808",
        "  08867 38001\t15592  39357 85229 82808\n",
        "08867\u00a038001 15592 39357 85229 82808",
        "၀၈၈၆၇ ၃၈၀၀၁ ၁၅၅၉၂ ၃၉၃၅၇ ၈၅၂၂၉ ၈၂၈၀၈",  # Myanmar digits
    ],
)
def test_normalise_accepts_what_people_type(typed: str) -> None:
    assert normalise_fingerprint(typed) == VECTOR["fingerprint_digits"]


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "08867 38001 15592 39357 85229",  # a group missing
        "08867 38001 15592 39357 85229 82808 1",  # one digit too many
        "08867 38001 15592 39357 85229 8280O",  # letter O for zero
        "08867.38001.15592.39357.85229.82808",
        "٠٨٨٦٧ 38001 15592 39357 85229 82808",  # Arabic-Indic digits are not expected
    ],
)
def test_normalise_refuses_anything_else(typed: str) -> None:
    with pytest.raises(KeysError) as excinfo:
        normalise_fingerprint(typed)
    assert "30 digits in six groups of five" in str(excinfo.value)
    # The error never repeats what was typed.
    assert "8280" not in str(excinfo.value).replace("67890", "")

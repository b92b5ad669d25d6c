"""A systematic tampering sweep: every alteration of a valid card must raise CardError."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from keys.card import parse_card
from keys.errors import CardError

CARD_TEXT: str = json.loads(
    (Path(__file__).parents[1] / "data" / "keys" / "card_vector.json").read_text("utf-8")
)["card"]
LINES = CARD_TEXT.rstrip("\n").split("\n")
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def joined(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def with_value(index: int, value: str) -> str:
    key = LINES[index].partition(": ")[0]
    return joined([*LINES[:index], f"{key}: {value}", *LINES[index + 1 :]])


def field_index(key: str) -> int:
    return next(i for i, line in enumerate(LINES) if line.startswith(key + ": "))


def alphabet_variants(value: str, alphabet: str, flips: tuple[int, ...]) -> Iterator[str]:
    """Each character replaced by neighbours in its alphabet (XOR of its index)."""
    for pos, ch in enumerate(value):
        if ch not in alphabet:
            yield value[:pos] + alphabet[0] + value[pos + 1 :]
            continue
        for flip in flips:
            other = alphabet[(alphabet.index(ch) ^ flip) % len(alphabet)]
            yield value[:pos] + other + value[pos + 1 :]


def mutations() -> Iterator[tuple[str, str]]:
    """Yield (label, altered card text) for every alteration the sweep covers."""
    n = len(LINES)
    for i in range(n):
        yield f"delete line {i}", joined(LINES[:i] + LINES[i + 1 :])
        yield f"duplicate line {i}", joined(LINES[: i + 1] + LINES[i:])
        yield f"blank line before {i}", joined([*LINES[:i], "", *LINES[i:]])
        if i + 1 < n:
            swapped = [*LINES]
            swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
            yield f"swap lines {i},{i + 1}", joined(swapped)
    for i in (0, n - 1):  # the armor lines
        for pos in range(len(LINES[i])):
            ch = LINES[i][pos]
            other = "_" if ch == "-" else ch.lower() if ch.isupper() else "x"
            yield (
                f"armor {i} char {pos}",
                joined([*LINES[:i], LINES[i][:pos] + other + LINES[i][pos + 1 :], *LINES[i + 1 :]]),
            )
    for i in range(1, n - 1):
        key, _, value = LINES[i].partition(": ")
        rest = [*LINES[:i], None, *LINES[i + 1 :]]

        def put(line: str, rest: list[str | None] = rest) -> str:
            return joined([line if x is None else x for x in rest])

        yield f"{key}: upper-case key", put(f"{key.upper()}: {value}")
        yield f"{key}: renamed key", put(f"x-{key}: {value}")
        yield f"{key}: no space", put(f"{key}:{value}")
        yield f"{key}: two spaces", put(f"{key}:  {value}")
        yield f"{key}: equals sign", put(f"{key}= {value}")
        yield f"{key}: empty value", put(f"{key}:")
        yield f"{key}: value appended", put(f"{key}: {value}x")
        yield f"{key}: last char cut", put(f"{key}: {value[:-1]}")
        yield f"{key}: first char cut", put(f"{key}: {value[1:]}")
        yield f"{key}: inner space", put(f"{key}: {value[:3]} {value[3:]}")
        yield f"{key}: swap case", put(f"{key}: {value.swapcase()}")
    # Every character of the base64 fields, including the last data character
    # whose low bits are unused (a non-canonical spelling must not verify).
    for key in ("signing-key", "signature"):
        index = field_index(key)
        value = LINES[index].partition(": ")[2]
        for j, variant in enumerate(alphabet_variants(value, B64, (1, 2, 32))):
            yield f"{key} variant {j}", with_value(index, variant)
    index = field_index("encryption-key")
    value = LINES[index].partition(": ")[2]
    for j, variant in enumerate(alphabet_variants(value, BECH32, (1, 16))):
        yield f"encryption-key variant {j}", with_value(index, variant)
    yield "encryption-key upper case", with_value(index, value.upper())
    for key in ("fingerprint", "created"):
        index = field_index(key)
        value = LINES[index].partition(": ")[2]
        for pos, ch in enumerate(value):
            other = str((int(ch) + 1) % 10) if ch.isdigit() else "0"
            yield f"{key} char {pos}", with_value(index, value[:pos] + other + value[pos + 1 :])
    index = field_index("name")
    value = LINES[index].partition(": ")[2]
    for pos, ch in enumerate(value):
        other = chr(ord(ch) + 1)
        yield f"name char {pos}", with_value(index, value[:pos] + other + value[pos + 1 :])
        yield f"name char {pos} dropped", with_value(index, value[:pos] + value[pos + 1 :])
    index = field_index("role")
    for role in ("fieldworker", "training", "Coordinator", " coordinator", "coordinator\u00a0"):
        yield f"role {role!r}", with_value(index, role)
    index = field_index("format")
    for fmt in ("fieldkit-card/2", "fieldkit-card/1.0", "fieldkit-card"):
        yield f"format {fmt}", with_value(index, fmt)


def test_every_alteration_is_refused() -> None:
    accepted: list[str] = []
    count = 0
    for label, text in mutations():
        if text.strip() == CARD_TEXT.strip():
            continue
        count += 1
        try:
            parse_card(text)
        except CardError:
            continue
        accepted.append(label)
    assert accepted == []
    assert count > 800


def test_sweep_base_card_is_valid() -> None:
    parse_card(CARD_TEXT)


@pytest.mark.parametrize("label", ["signing-key", "signature"])
def test_non_canonical_base64_is_refused(label: str) -> None:
    """The unused low bits of the last base64 character are part of the card."""
    index = field_index(label)
    value = LINES[index].partition(": ")[2]
    last = len(value.rstrip("=")) - 1
    variant = value[:last] + B64[B64.index(value[last]) ^ 1] + value[last + 1 :]
    with pytest.raises(CardError):
        parse_card(with_value(index, variant))

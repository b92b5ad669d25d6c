"""The header wire format: byte-exact round trips, strictness and size limits."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.age import HeaderError
from sync.age.header import (
    MAX_HEADER_SIZE,
    MAX_STANZAS,
    Header,
    Stanza,
    marshal_header,
    marshal_stanzas,
    parse_header,
)

VECTORS = Path(__file__).parent.parent / "data" / "age-cctv"


def _vector_headers() -> list[bytes]:
    """The well-formed binary headers among the vectors (the bytes up to the MAC line's end)."""
    headers = []
    for path in sorted(VECTORS.iterdir()):
        head, _, body = path.read_bytes().partition(b"\n\n")
        if b"armored: yes" in head or b"compressed:" in head:
            continue
        reader = io.BytesIO(body)
        try:
            parse_header(reader)
        except HeaderError:
            continue
        headers.append(body[: reader.tell()])
    return headers


SEEDS = _vector_headers()

_arg = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=20)
stanzas = st.builds(
    Stanza,
    type=_arg,
    args=st.lists(_arg, max_size=4).map(tuple),
    body=st.binary(max_size=200),
)
headers = st.builds(
    Header,
    stanzas=st.lists(stanzas, max_size=5).map(tuple),
    mac=st.binary(min_size=32, max_size=32),
)


def _parse(data: bytes) -> tuple[Header, bytes, int]:
    reader = io.BytesIO(data)
    header, covered = parse_header(reader)
    return header, covered, reader.tell()


def test_seeds_cover_many_vectors() -> None:
    assert len(SEEDS) >= 40


@pytest.mark.parametrize("raw", SEEDS, ids=range(len(SEEDS)))
def test_vector_headers_round_trip(raw: bytes) -> None:
    header, covered, consumed = _parse(raw + b"payload follows")
    assert consumed == len(raw)
    assert marshal_header(header) == raw
    assert covered == raw[: raw.rindex(b"---") + 3]


@given(headers)
def test_parse_of_marshal_is_identity(header: Header) -> None:
    raw = marshal_header(header)
    parsed, covered, consumed = _parse(raw + b"\x00rest")
    assert parsed == header
    assert covered == marshal_stanzas(header.stanzas)
    assert consumed == len(raw)
    assert marshal_header(parsed) == raw


@settings(max_examples=300)
@given(
    seed=st.sampled_from(SEEDS),
    pos=st.integers(min_value=0),
    edit=st.sampled_from(["flip", "insert", "delete"]),
    byte=st.integers(min_value=0, max_value=255),
)
def test_any_header_that_parses_marshals_back_exactly(
    seed: bytes, pos: int, edit: str, byte: int
) -> None:
    """Parsing is strict: whatever is accepted has exactly one encoding (no malleability)."""
    data = bytearray(seed)
    pos %= len(data)
    if edit == "flip":
        data[pos] ^= byte or 1
    elif edit == "insert":
        data.insert(pos, byte)
    else:
        del data[pos]
    try:
        header, _, consumed = _parse(bytes(data))
    except HeaderError:
        return
    assert marshal_header(header) == bytes(data[:consumed])


def test_body_of_exactly_full_lines_ends_with_an_empty_line() -> None:
    raw = marshal_header(Header((Stanza("t", (), bytes(48)),), bytes(32)))
    assert b"\n" + b"A" * 64 + b"\n\n---" in raw
    assert _parse(raw)[0].stanzas[0].body == bytes(48)


@pytest.mark.parametrize(
    "bad",
    [
        b"",
        b"age-encryption.org/v1",
        b"age-encryption.org/v2\n--- " + b"A" * 43 + b"\n",
        b"age-encryption.org/v1\n-> X25519\n",
        b"age-encryption.org/v1\n-> X25519 a\nAAAA\n--- " + b"A" * 42 + b"\n",
        b"age-encryption.org/v1\n-> X25519 a\n\n---\n",
        b"age-encryption.org/v1\n-> X25519 a\n\n--- " + b"A" * 43,
        b"age-encryption.org/v1\n-> X25519  a\n\n--- " + b"A" * 43 + b"\n",
        b"age-encryption.org/v1\n->X25519 a\n\n--- " + b"A" * 43 + b"\n",
        b"age-encryption.org/v1\n-> X25519 a\nAA==\n--- " + b"A" * 43 + b"\n",
        b"age-encryption.org/v1\n-> X25519 \xff\n\n--- " + b"A" * 43 + b"\n",
        b"age-encryption.org/v1\nhello\n",
    ],
)
def test_malformed_headers_are_header_errors(bad: bytes) -> None:
    with pytest.raises(HeaderError):
        _parse(bad)


def test_header_size_is_capped() -> None:
    line = b"-> grease " + b"x" * 100 + b"\n\n"
    big = b"age-encryption.org/v1\n" + line * (MAX_HEADER_SIZE // len(line) + 1)
    with pytest.raises(HeaderError):
        _parse(big + b"--- " + b"A" * 43 + b"\n")
    # An endless stanza line is refused without reading it all.
    with pytest.raises(HeaderError):
        _parse(b"age-encryption.org/v1\n-> " + b"x" * (10 * MAX_HEADER_SIZE))


def test_stanza_count_is_capped() -> None:
    ok = b"age-encryption.org/v1\n" + b"-> a\n\n" * MAX_STANZAS + b"--- " + b"A" * 43 + b"\n"
    assert len(_parse(ok)[0].stanzas) == MAX_STANZAS
    too_many = ok.replace(b"-> a\n\n", b"-> a\n\n-> a\n\n", 1)
    with pytest.raises(HeaderError):
        _parse(too_many)


def test_stanza_rejects_args_that_cannot_be_marshalled() -> None:
    for bad in ["", "a b", "é", "a\n"]:
        with pytest.raises(ValueError):
            Stanza(bad, (), b"")
        with pytest.raises(ValueError):
            Stanza("ok", (bad,), b"")
    with pytest.raises(ValueError):
        Header((), bytes(31))

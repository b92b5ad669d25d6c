"""Tests for identity cards: creation, the text format, and refusal of any tampering."""

from __future__ import annotations

import base64
import hashlib
import json
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from keys.card import BEGIN, END, FIELDS, IdentityCard, format_card, parse_card
from keys.domains import DOMAIN_BUNDLE, DOMAIN_CARD, DOMAIN_RECORD
from keys.errors import CardError, KeysError, NameRejected, SignatureInvalid
from keys.identity import Identity

VECTOR = json.loads(
    (Path(__file__).parents[1] / "data" / "keys" / "card_vector.json").read_text("utf-8")
)
IDENTITY = Identity.from_private_bytes(
    bytes.fromhex(VECTOR["signing_private_hex"]), bytes.fromhex(VECTOR["encryption_private_hex"])
)
NOW = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)
CARD_TEXT: str = VECTOR["card"]


def signed_text(**override: str) -> str:
    """A card whose fields are set by hand and correctly signed.

    Transcribes the signed content from docs/identity-card.md independently of
    keys.card, so a check can be shown to reject a field itself, not the signature.
    """
    identity = IDENTITY
    fields = {
        "format": "fieldkit-card/1",
        "name": "Ko Min Thu",
        "role": "fieldworker",
        "signing-key": base64.b64encode(identity.public.signing_key).decode(),
        "encryption-key": identity.public.recipient,
        "fingerprint": identity.public.fingerprint,
        "created": "2026-11-22T04:00:00Z",
    }
    fields.update(override)
    document = {
        "format": fields["format"],
        "name": fields["name"],
        "role": fields["role"],
        "signing_key": fields["signing-key"],
        "encryption_key": fields["encryption-key"],
        "created": fields["created"],
    }
    digest = hashlib.sha256(rfc8785.dumps(document)).digest()
    fields["signature"] = base64.b64encode(identity.sign(DOMAIN_CARD, digest)).decode()
    body = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return (
        "-----BEGIN FIELDKIT IDENTITY CARD-----\n" + body + "-----END FIELDKIT IDENTITY CARD-----\n"
    )


# --- creation and the known answer ------------------------------------------------


def test_known_answer_card() -> None:
    card = IdentityCard.create(IDENTITY, VECTOR["name"], VECTOR["role"], NOW)
    assert format_card(card) == CARD_TEXT
    parsed = parse_card(CARD_TEXT)
    assert parsed == card
    assert parsed.fingerprint == VECTOR["fingerprint"]
    assert parsed.public.recipient == VECTOR["recipient"]
    assert parsed.created == NOW


def test_hand_built_card_matches_the_documented_signature() -> None:
    card = parse_card(signed_text())
    assert card.name == "Ko Min Thu" and card.role == "fieldworker"
    assert format_card(card) == signed_text()


def test_create_normalises_the_name() -> None:
    decomposed = unicodedata.normalize("NFD", "  Nguyễn Thị Ánh  ")
    card = IdentityCard.create(IDENTITY, decomposed, "fieldworker", NOW)
    assert card.name == unicodedata.normalize("NFC", "Nguyễn Thị Ánh")
    assert parse_card(format_card(card)) == card


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "x" * 201,
        "Aung\nSan",
        "tab\there",
        "bell\x07",
        "\u202egnuA",
        "a\u2028b",
        "nul\x00",
    ],
)
def test_create_refuses_bad_names(name: str) -> None:
    with pytest.raises(NameRejected):
        IdentityCard.create(IDENTITY, name, "fieldworker", NOW)


def test_create_accepts_200_characters_and_burmese() -> None:
    IdentityCard.create(IDENTITY, "x" * 200, "training", NOW)
    card = IdentityCard.create(IDENTITY, "ဒေါ်အေးအေးခိုင်", "coordinator", NOW)
    assert parse_card(format_card(card)).name == "ဒေါ်အေးအေးခိုင်"


def test_create_refuses_unknown_role_and_naive_time() -> None:
    with pytest.raises(KeysError):
        IdentityCard.create(IDENTITY, "Ko Min Thu", "admin", NOW)  # type: ignore[arg-type]
    with pytest.raises(KeysError):
        IdentityCard.create(IDENTITY, "Ko Min Thu", "fieldworker", datetime(2026, 1, 1))


def test_create_time_is_utc_to_the_second() -> None:
    yangon = timezone(timedelta(hours=6, minutes=30))
    moment = datetime(2026, 11, 22, 10, 30, 59, 999999, tzinfo=yangon)
    card = IdentityCard.create(IDENTITY, "Ko Min Thu", "fieldworker", moment)
    assert card.created_at == "2026-11-22T04:00:59Z"
    before = datetime.now(UTC).replace(microsecond=0)
    assert IdentityCard.create(IDENTITY, "Ko Min Thu", "fieldworker").created >= before


def signed_digest(card: IdentityCard) -> bytes:
    document = {
        "format": "fieldkit-card/1",
        "name": card.name,
        "role": card.role,
        "signing_key": base64.b64encode(card.public.signing_key).decode(),
        "encryption_key": card.public.recipient,
        "created": card.created_at,
    }
    return hashlib.sha256(rfc8785.dumps(document)).digest()


def test_signature_is_over_the_card_domain() -> None:
    card = parse_card(CARD_TEXT)
    digest = signed_digest(card)
    card.public.verify(DOMAIN_CARD, digest, card.signature)
    # A card signature cannot stand in for a record or bundle signature.
    for domain in (DOMAIN_RECORD, DOMAIN_BUNDLE):
        with pytest.raises(SignatureInvalid):
            card.public.verify(domain, digest, card.signature)


# --- tolerance: what pasting into a message does ----------------------------------


@pytest.mark.parametrize(
    "wrap",
    [
        lambda t: t.replace("\n", "\r\n"),
        lambda t: "Hi, here is my card:\n\n" + t + "\nThanks, see you in Mae Sot.\n",
        lambda t: "\n".join("    " + line + " \t" for line in t.split("\n")),
        lambda t: "\ufeff" + t,
        lambda t: t.rstrip("\n"),
        lambda t: "\n\n  " + t.replace("\n", "\r\n") + "  \r\n\r\n",
    ],
    ids=["crlf", "surrounding-text", "indented", "bom", "no-final-newline", "mixed"],
)
def test_parse_tolerates_pasting(wrap: object) -> None:
    assert callable(wrap)
    assert parse_card(wrap(CARD_TEXT)) == parse_card(CARD_TEXT)


# --- named failures ---------------------------------------------------------------


FAILURES: dict[str, tuple[str, str]] = {
    "empty": ("", "No identity card"),
    "not-a-card": ("Hello, no card here.", "No identity card"),
    "no-end": (CARD_TEXT.split("-----END")[0], "exactly one identity card"),
    "two-cards": (CARD_TEXT + CARD_TEXT, "exactly one identity card"),
    "end-before-begin": (
        "-----END FIELDKIT IDENTITY CARD-----\n-----BEGIN FIELDKIT IDENTITY CARD-----\n",
        "END line comes before",
    ),
    "too-long": (CARD_TEXT + "x" * 70_000, "too long"),
    "blank-line-inside": (CARD_TEXT.replace("role:", "\nrole:"), "not a 'key: value' line"),
    "unknown-line": (CARD_TEXT.replace("role:", "nickname: x\nrole:"), "not a known card line"),
    "duplicate-line": (CARD_TEXT.replace("role:", "role: coordinator\nrole:"), "more than one"),
    "missing-line": (CARD_TEXT.replace("role: coordinator\n", ""), "no 'role' line"),
    "reordered": (
        CARD_TEXT.replace("role: coordinator\n", "").replace(
            "format:", "role: coordinator\nformat:"
        ),
        "not in the expected order",
    ),
    "format-2": (signed_text(format="fieldkit-card/2"), "format"),
    "name-201": (signed_text(name="x" * 201), "at most 200"),
    "name-empty": (signed_text(name=""), "must not be empty"),
    "name-control": (signed_text(name="Ko\x1bMin"), "control characters"),
    "name-bidi": (signed_text(name="Ko \u202eMin"), "control characters"),
    "name-nfd": (signed_text(name=unicodedata.normalize("NFD", "Ánh")), "normal form"),
    "name-spaces": (signed_text(name=" Ko Min Thu"), "start or end with spaces"),
    "role-unknown": (signed_text(role="admin"), "role must be"),
    "signing-key-base64": (signed_text(**{"signing-key": "not base64!"}), "not valid base64"),
    "signing-key-short": (
        signed_text(**{"signing-key": base64.b64encode(bytes(31)).decode()}),
        "wrong length",
    ),
    "encryption-key-bad": (signed_text(**{"encryption-key": "age1xyz"}), "age recipient"),
    "created-bad-date": (signed_text(created="2026-13-01T00:00:00Z"), "creation time"),
    "created-offset": (signed_text(created="2026-11-22T04:00:00+00:00"), "creation time"),
    "created-fraction": (signed_text(created="2026-11-22T04:00:00.5Z"), "creation time"),
    "fingerprint-wrong": (
        signed_text(fingerprint="00000 00000 00000 00000 00000 00000"),
        "fingerprint line does not match",
    ),
    "signature-bad": (
        CARD_TEXT.replace("role: coordinator", "role: fieldworker"),
        "signature does not match",
    ),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_named_failures(case: str) -> None:
    text, expected = FAILURES[case]
    with pytest.raises(CardError) as excinfo:
        parse_card(text)
    assert expected in excinfo.value.message
    assert excinfo.value.hint
    # Errors never quote the card's contents back.
    assert "Ko Min Thu" not in str(excinfo.value) and "Naw Htoo" not in str(excinfo.value)


# --- properties --------------------------------------------------------------------

names = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=200
)
keys32 = st.binary(min_size=32, max_size=32)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=60, deadline=None)
@given(names, st.sampled_from(["fieldworker", "coordinator", "training"]), keys32, keys32, moments)
def test_round_trip(name: str, role: str, sk: bytes, ek: bytes, now: datetime) -> None:
    identity = Identity.from_private_bytes(sk, ek)
    try:
        card = IdentityCard.create(identity, name, role, now)  # type: ignore[arg-type]
    except NameRejected:
        return  # blank, bidi controls, or over 200 characters once normalised
    text = format_card(card)
    assert parse_card(text) == card
    assert format_card(parse_card(text)) == text


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_single_character_change_is_refused_or_harmless(data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(CARD_TEXT) - 1))
    replacement = data.draw(st.characters(codec="utf-8"))
    mutated = CARD_TEXT[:position] + replacement + CARD_TEXT[position + 1 :]
    try:
        card = parse_card(mutated)
    except CardError:
        return
    # Only padding may change without an error, and then the card is the same.
    assert card == parse_card(CARD_TEXT)


card_lines = st.tuples(
    st.sampled_from([*FIELDS, "Name", "comment", ""]), st.text(max_size=120)
).map(lambda kv: f"{kv[0]}: {kv[1]}")


@settings(max_examples=200, deadline=None)
@given(st.lists(card_lines, max_size=12), st.text(max_size=40), st.text(max_size=40))
def test_arbitrary_cards_only_ever_raise_card_error(
    lines: list[str], before: str, after: str
) -> None:
    text = "\n".join([before, BEGIN, *lines, END, after])
    with pytest.raises(CardError):
        parse_card(text)

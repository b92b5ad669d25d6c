"""Identity cards: a signed text block with a device's name, role and public keys.

The format is specified in ``docs/identity-card.md``. This module only builds,
writes and reads cards; deciding whether to trust one (by confirming its
fingerprint out of band) is policy and lives with the caller.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, cast, get_args

import rfc8785

from keys.domains import DOMAIN_CARD
from keys.errors import CardError, KeysError, NameRejected, SignatureInvalid
from keys.identity import SIGNATURE_LENGTH, Identity, PublicIdentity, parse_recipient

Role = Literal["fieldworker", "coordinator", "training"]
ROLES: tuple[str, ...] = get_args(Role)

FORMAT = "fieldkit-card/1"
BEGIN = "-----BEGIN FIELDKIT IDENTITY CARD-----"
END = "-----END FIELDKIT IDENTITY CARD-----"
MAX_NAME_LENGTH = 200
# A card is under 1 KiB; the limit leaves room for the message it was pasted in
# while keeping a hostile input from costing anything.
MAX_TEXT_LENGTH = 64 * 1024

# The lines between the armor, in the only order accepted.
FIELDS = (
    "format",
    "name",
    "role",
    "signing-key",
    "encryption-key",
    "fingerprint",
    "created",
    "signature",
)

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", re.ASCII)
# Bidirectional controls can make a name display as something else (and reorder
# the text printed after it); no name needs them.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# What a line may be padded with when pasted (CRLF line ends leave a \r).
_LINE_PADDING = " \t\r"
_RESEND_HINT = "Ask the owner to send the card again as a file, and do not edit it."


def _name_problem(name: str) -> str | None:
    """Say what is wrong with a name, or return None if it may go on a card."""
    if not name:
        return "The name on an identity card must not be empty."
    if len(name) > MAX_NAME_LENGTH:
        return f"The name on an identity card must be at most {MAX_NAME_LENGTH} characters."
    for ch in name:
        if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ch in _BIDI_CONTROLS:
            return "The name on an identity card must be one line without control characters."
    if name != name.strip():
        return "The name on an identity card must not start or end with spaces."
    if name != unicodedata.normalize("NFC", name):
        return "The name on an identity card must be in Unicode normal form C."
    return None


def _format_time(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise KeysError("The card's creation time must carry a time zone.")
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _signed_digest(name: str, role: str, public: PublicIdentity, created_at: str) -> bytes:
    """SHA-256 of the canonical JSON the self-signature covers."""
    document = {
        "format": FORMAT,
        "name": name,
        "role": role,
        "signing_key": _b64(public.signing_key),
        "encryption_key": public.recipient,
        "created": created_at,
    }
    return hashlib.sha256(rfc8785.dumps(document)).digest()


@dataclass(frozen=True)
class IdentityCard:
    """A device's self-signed public identity. Build with ``create`` or ``parse_card``."""

    name: str
    role: Role
    public: PublicIdentity
    created_at: str
    """RFC 3339 UTC, to the second: ``2026-11-22T04:00:00Z``."""
    signature: bytes
    """Ed25519 over ``DOMAIN_CARD`` + SHA-256 of the canonical JSON of the fields."""

    @classmethod
    def create(
        cls, identity: Identity, name: str, role: Role, now: datetime | None = None
    ) -> IdentityCard:
        """Make and sign the card of ``identity`` (``now`` defaults to the current time)."""
        name = unicodedata.normalize("NFC", name.strip())
        problem = _name_problem(name)
        if problem is not None:
            raise NameRejected(problem)
        if role not in ROLES:
            raise KeysError("A card's role must be fieldworker, coordinator or training.")
        created_at = _format_time(now if now is not None else datetime.now(UTC))
        digest = _signed_digest(name, role, identity.public, created_at)
        return cls(name, role, identity.public, created_at, identity.sign(DOMAIN_CARD, digest))

    @property
    def fingerprint(self) -> str:
        """The card's fingerprint as six groups of five digits."""
        return self.public.fingerprint

    @property
    def created(self) -> datetime:
        """``created_at`` as an aware UTC datetime."""
        return datetime.strptime(self.created_at, _TIME_FORMAT).replace(tzinfo=UTC)

    def verify(self) -> None:
        """Check the self-signature; raise ``CardError`` if the card was altered."""
        digest = _signed_digest(self.name, self.role, self.public, self.created_at)
        try:
            self.public.verify(DOMAIN_CARD, digest, self.signature)
        except SignatureInvalid:
            raise CardError(
                "The identity card's signature does not match its contents: "
                "it was altered or damaged.",
                hint=_RESEND_HINT,
            ) from None


def format_card(card: IdentityCard) -> str:
    """Write ``card`` as armored text, one ``key: value`` line per field, LF line ends."""
    values = {
        "format": FORMAT,
        "name": card.name,
        "role": card.role,
        "signing-key": _b64(card.public.signing_key),
        "encryption-key": card.public.recipient,
        "fingerprint": card.fingerprint,
        "created": card.created_at,
        "signature": _b64(card.signature),
    }
    lines = [BEGIN, *(f"{key}: {values[key]}" for key in FIELDS), END]
    return "\n".join(lines) + "\n"


def _reject(message: str) -> CardError:
    return CardError(message, hint=_RESEND_HINT)


def _armored_lines(text: str) -> list[str]:
    """Return the lines between the armor, padding removed; raise ``CardError``."""
    if len(text) > MAX_TEXT_LENGTH:
        raise _reject("This text is too long to be an identity card.")
    lines = [line.strip(_LINE_PADDING) for line in text.removeprefix("\ufeff").split("\n")]
    begins = [i for i, line in enumerate(lines) if line == BEGIN]
    ends = [i for i, line in enumerate(lines) if line == END]
    if not begins and not ends:
        raise _reject("No identity card was found in this text.")
    if len(begins) != 1 or len(ends) != 1:
        raise _reject(
            "The text must hold exactly one identity card, with one BEGIN and one END line."
        )
    if ends[0] < begins[0]:
        raise _reject("The identity card's END line comes before its BEGIN line.")
    return lines[begins[0] + 1 : ends[0]]


def _fields(body: list[str]) -> dict[str, str]:
    """Split ``key: value`` lines, requiring every field exactly once and in order."""
    found: dict[str, str] = {}
    for number, line in enumerate(body, start=2):
        key, colon, rest = line.partition(":")
        # "key:" with nothing after is an empty value; otherwise exactly one space follows.
        if not colon or (rest and not rest.startswith(" ")):
            raise _reject(f"Line {number} of the identity card is not a 'key: value' line.")
        if key not in FIELDS:
            raise _reject(f"Line {number} of the identity card is not a known card line.")
        if key in found:
            raise _reject(f"The identity card has more than one '{key}' line.")
        found[key] = rest[1:]
    missing = [key for key in FIELDS if key not in found]
    if missing:
        raise _reject(f"The identity card has no '{missing[0]}' line.")
    if tuple(found) != FIELDS:
        raise _reject("The lines of the identity card are not in the expected order.")
    return found


def _decode_b64(value: str, length: int, what: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _reject(f"The identity card's {what} is not valid base64.") from None
    # Only the canonical spelling: unused low bits of the last character would
    # otherwise let one card verify in several written forms.
    if len(raw) != length or _b64(raw) != value:
        raise _reject(f"The identity card's {what} has the wrong length or form.")
    return raw


def parse_card(text: str) -> IdentityCard:
    """Read and verify a card from text (which may surround it); raise ``CardError``.

    Lines may carry surrounding spaces, tabs and CRLF ends, and any text may
    come before or after the armor; any other difference is an error. A card is
    returned only if its self-signature and fingerprint line check out.
    """
    values = _fields(_armored_lines(text))
    if values["format"] != FORMAT:
        raise _reject("This identity card is in a format this version of fieldkit cannot read.")
    problem = _name_problem(values["name"])
    if problem is not None:
        raise _reject(problem)
    role = values["role"]
    if role not in ROLES:
        raise _reject("The identity card's role must be fieldworker, coordinator or training.")
    signing_key = _decode_b64(values["signing-key"], 32, "signing key")
    try:
        encryption_key = parse_recipient(values["encryption-key"])
    except KeysError:
        raise _reject("The identity card's encryption key is not a valid age recipient.") from None
    created_at = values["created"]
    try:
        if not _TIME_RE.fullmatch(created_at):
            raise ValueError
        datetime.strptime(created_at, _TIME_FORMAT)
    except ValueError:
        raise _reject(
            "The identity card's creation time is not of the form 2026-11-22T04:00:00Z."
        ) from None
    signature = _decode_b64(values["signature"], SIGNATURE_LENGTH, "signature")
    card = IdentityCard(
        values["name"],
        cast(Role, role),  # checked against ROLES above
        PublicIdentity(signing_key, encryption_key),
        created_at,
        signature,
    )
    # The signature first: it is cheap, while the fingerprint costs 5200 hashes,
    # so a forged card is refused before spending them.
    card.verify()
    if values["fingerprint"] != card.fingerprint:
        raise _reject("The identity card's fingerprint line does not match its keys.")
    return card


__all__ = [
    "BEGIN",
    "END",
    "FORMAT",
    "MAX_NAME_LENGTH",
    "ROLES",
    "IdentityCard",
    "Role",
    "format_card",
    "parse_card",
]

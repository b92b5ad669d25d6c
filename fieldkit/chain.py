"""Sealed records on the wire and in a chain: canonical bytes, verification, chain checks.

A sealed record is the RFC 8785 encoding of the object built by
:func:`canonical_record`; its hash is SHA-256 of those bytes and its
signature is Ed25519 over ``DOMAIN_RECORD + hash`` (DESIGN section 6). Each
author numbers their sealed records 1, 2, 3... (``seq``) and each names the
hash of the one before (``prev``; 32 zero bytes for the first), so a reader
can tell an edited, missing, reordered or forked record from an intact chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import rfc8785

from fieldkit.errors import FieldkitError
from keys.domains import DOMAIN_RECORD
from keys.errors import SignatureInvalid
from keys.identity import Identity, PublicIdentity

if TYPE_CHECKING:
    from fieldkit.store import Store

FORMAT = "fieldkit-record/1"
GENESIS = bytes(32)
MAX_CANONICAL_BYTES = 16 * 1024 * 1024
_KEYS = frozenset(
    {
        "format", "id", "form_id", "form_version", "author", "created_at", "answers",
        "attachments", "seq", "prev", "supersedes", "sealed_at",
    }
)
_ATTACHMENT_KEYS = frozenset({"sha256", "size", "mime", "name"})


# -- errors ---------------------------------------------------------------------


class RecordInvalid(FieldkitError):
    """This sealed record is damaged or has been altered."""

    title = "Record not valid"
    hint = "do not trust this record; ask its author to send it again"


class ChainBroken(FieldkitError):
    """An author's chain of sealed records is broken."""

    title = "Record chain broken"
    hint = "treat these records as tampered with and tell your coordinator"

    def __init__(self, message: str, *, record_id: str | None = None, seq: int | None = None):
        super().__init__(message)
        self.record_id = record_id
        self.seq = seq


class EditedRecord(ChainBroken):
    """A sealed record was changed after it was sealed."""

    title = "Record edited"


class MissingSeq(ChainBroken):
    """A sealed record is missing from the chain."""

    title = "Record missing"


class Reordered(ChainBroken):
    """Sealed records were moved out of the order in which they were sealed."""

    title = "Records reordered"


class Fork(ChainBroken):
    """Two different sealed records claim the same place in the chain."""

    title = "Chain forked"


# -- the wire format ----------------------------------------------------------------


@dataclass(frozen=True)
class SealedAttachment:
    """An attachment as a sealed record lists it (the name is sensitive)."""

    sha256: str
    size: int
    mime: str
    name: str


@dataclass(frozen=True)
class SealedRecord:
    """A verified sealed record: its signed content plus the bytes that were signed."""

    id: str
    form_id: str
    form_version: int
    author: str
    created_at: str
    answers: dict[str, Any]
    attachments: tuple[SealedAttachment, ...]
    seq: int
    prev: bytes
    supersedes: str | None
    sealed_at: str
    canonical: bytes = field(repr=False)
    hash: bytes
    signature: bytes = field(repr=False)


def canonical_answers(answers: Mapping[str, Any]) -> bytes:
    """The RFC 8785 bytes of a record's answers, as they appear inside its canonical bytes."""
    try:
        return canonical_json(dict(answers))
    except (rfc8785.CanonicalizationError, ValueError, TypeError):
        raise RecordInvalid(
            "These answers cannot be sealed: they hold a value JSON cannot represent exactly.",
            hint="check number fields for values that are too large",
        ) from None


# "answers" sorts before every other key (a test checks it), so the canonical
# object is '{"answers":' + the canonical answers + ',' + the other members.
_ANSWERS_MEMBER = b'{"answers":'


def record_envelope(
    *,
    record_id: str,
    form_id: str,
    form_version: int,
    author: str,
    created_at: str,
    attachments: Iterable[SealedAttachment],
    seq: int,
    prev: bytes,
    supersedes: str | None,
    sealed_at: str,
) -> bytes:
    """The RFC 8785 bytes of a sealed record without its answers member.

    This is what a store keeps in a sealed row's ``canonical`` column: the
    answers are already in the ``answers`` column (as their canonical bytes),
    and :func:`signed_bytes` puts the two together again.
    """
    fast = _envelope_text(
        record_id, form_id, form_version, author, created_at, attachments, seq, prev,
        supersedes, sealed_at,
    )
    if fast is not None:
        return fast
    envelope: dict[str, Any] = {
        "format": FORMAT,
        "id": record_id,
        "form_id": form_id,
        "form_version": form_version,
        "author": author,
        "created_at": created_at,
        "attachments": [
            {"sha256": a.sha256, "size": a.size, "mime": a.mime, "name": a.name}
            for a in sorted(attachments, key=lambda a: a.sha256)
        ],
        "seq": seq,
        "prev": prev.hex(),
        "supersedes": supersedes,
        "sealed_at": sealed_at,
    }
    try:
        return canonical_json(envelope)
    except (rfc8785.CanonicalizationError, ValueError, TypeError):
        raise RecordInvalid(
            "This record cannot be sealed: a field holds a value JSON cannot represent.",
        ) from None


_json_string = json.encoder.encode_basestring  # JSON's string form, without ASCII escapes


def _envelope_text(
    record_id: str, form_id: str, form_version: int, author: str, created_at: str,
    attachments: Iterable[SealedAttachment], seq: int, prev: bytes, supersedes: str | None,
    sealed_at: str,
) -> bytes | None:
    """:func:`record_envelope`'s bytes written out member by member, or None when any
    value is not of the plain kind this covers (the general encoder then decides).

    The members are fixed and in RFC 8785 order; strings take JSON's escapes, the
    same as RFC 8785's, and whole numbers within 2**53 are written alike by both
    (a property test compares this with the general encoder).
    """
    texts = (record_id, form_id, author, created_at, sealed_at)
    if (
        any(type(t) is not str for t in texts)
        or (supersedes is not None and type(supersedes) is not str)
        or type(form_version) is not int or not -_SAFE_INT < form_version < _SAFE_INT
        or type(seq) is not int or not -_SAFE_INT < seq < _SAFE_INT
        or type(prev) is not bytes
    ):
        return None
    attached = sorted(attachments, key=lambda a: a.sha256)
    try:
        listed = canonical_json([
            {"sha256": a.sha256, "size": a.size, "mime": a.mime, "name": a.name}
            for a in attached
        ]).decode("utf-8") if attached else "[]"
        text = (
            f'{{"attachments":{listed},"author":{_json_string(author)},'
            f'"created_at":{_json_string(created_at)},"form_id":{_json_string(form_id)},'
            f'"form_version":{form_version},"format":"{FORMAT}",'
            f'"id":{_json_string(record_id)},"prev":"{prev.hex()}",'
            f'"sealed_at":{_json_string(sealed_at)},"seq":{seq},"supersedes":'
            f'{"null" if supersedes is None else _json_string(supersedes)}}}'
        )
        return text.encode("utf-8")
    except (rfc8785.CanonicalizationError, ValueError, TypeError):
        return None  # UnicodeEncodeError included: the general encoder refuses it


def signed_bytes(answers: str | bytes | None, stored: bytes | None) -> bytes:
    """The exact bytes a stored sealed record's hash and signature cover.

    ``answers`` and ``stored`` are the row's ``answers`` and ``canonical``
    columns. ``stored`` is either the envelope of :func:`record_envelope`
    (rows written since the answers are stored once) or, in rows written
    before, the whole signed bytes, recognised by their leading answers
    member (an envelope never has one) and returned as they are. Nothing
    here is trusted: the caller checks the result against the record's hash.
    """
    if stored is None:
        raise _bad("its signed content is missing")
    stored = bytes(stored)
    if stored.startswith(_ANSWERS_MEMBER):
        return stored
    if answers is None:
        raise _bad("its answers are missing")
    if isinstance(answers, str):
        try:
            answers = answers.encode("utf-8")
        except UnicodeEncodeError:
            raise _bad("its answers are not valid text") from None
    return _ANSWERS_MEMBER + bytes(answers) + b"," + stored[1:]


def stored_envelope(canonical: bytes, answers_canonical: bytes) -> bytes:
    """What a store keeps of verified signed bytes ``canonical`` whose answers are
    ``answers_canonical``: the envelope that :func:`signed_bytes` completes again."""
    head = _ANSWERS_MEMBER + answers_canonical + b","
    if not canonical.startswith(head):
        raise _bad("it is not in canonical form")
    return b"{" + canonical[len(head):]


def canonical_record(
    *,
    record_id: str,
    form_id: str,
    form_version: int,
    author: str,
    created_at: str,
    answers: Mapping[str, Any],
    attachments: Iterable[SealedAttachment],
    seq: int,
    prev: bytes,
    supersedes: str | None,
    sealed_at: str,
    answers_canonical: bytes | None = None,
) -> bytes:
    """The RFC 8785 bytes that get hashed and signed.

    ``answers_canonical`` is :func:`canonical_answers` of ``answers`` when the
    caller already has it (sealing stores the same bytes as the answers
    column), so the answers, the bulk of a record, are encoded only once.
    """
    if answers_canonical is None:
        answers_canonical = canonical_answers(answers)
    envelope = record_envelope(
        record_id=record_id, form_id=form_id, form_version=form_version, author=author,
        created_at=created_at, attachments=attachments, seq=seq, prev=prev,
        supersedes=supersedes, sealed_at=sealed_at,
    )
    return signed_bytes(answers_canonical, envelope)


_SAFE_INT = 2**53


def _plain(value: Any) -> bool:
    """Whether ``value`` is JSON on which RFC 8785 and sorted compact ``json`` agree.

    They differ only on floats (ECMAScript number formatting), integers
    outside the IEEE double range (RFC 8785 refuses them) and keys with
    characters beyond U+FFFF (RFC 8785 sorts by UTF-16 code units).
    """
    # Iterative, and by exact type: this runs over every answer of every seal.
    # Anything unusual (a subclass, a tuple) answers False, which is always
    # safe: the caller then uses the reference encoder.
    stack = [value]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if not -_SAFE_INT < item < _SAFE_INT:
                return False
        elif kind is dict:
            for key, child in item.items():
                if type(key) is not str or not (key.isascii() or max(key) < "\U00010000"):
                    return False
                push(child)
        elif kind is list:
            extend(item)
        else:
            return False
    return True


# One encoder for every call: json.dumps with options builds a new one each time.
_SORTED_COMPACT = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)


def canonical_json(value: Any) -> bytes:
    """RFC 8785 bytes of ``value``.

    The ``rfc8785`` package serialises strings character by character in
    Python, which dominates sealing time for long narratives; for values
    without floats, where the standard library's sorted compact output is
    byte-for-byte the same, that is used instead (a property test checks the
    two agree).
    """
    if _plain(value):
        try:
            return _SORTED_COMPACT.encode(value).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: let rfc8785 refuse it with its own error
    return rfc8785.dumps(value)


def sign_canonical(identity: Identity, canonical: bytes) -> tuple[bytes, bytes]:
    """Hash ``canonical`` and sign the hash; return ``(hash, signature)``."""
    digest = hashlib.sha256(canonical).digest()
    return digest, identity.sign(DOMAIN_RECORD, digest)


def _bad(what: str) -> RecordInvalid:
    return RecordInvalid(f"This sealed record is not valid: {what}.")


def _load(canonical: bytes) -> dict[str, Any]:
    try:
        body = json.loads(canonical)
    except (ValueError, UnicodeDecodeError):
        raise _bad("it is not JSON") from None
    if not isinstance(body, dict):
        raise _bad("it is not a fieldkit record")
    return body


def _parse(
    body: dict[str, Any], canonical: bytes, digest: bytes, signature: bytes
) -> SealedRecord:
    if set(body) != _KEYS or body["format"] != FORMAT:
        raise _bad("it is not a fieldkit record")
    str_keys = ("id", "form_id", "author", "created_at", "prev", "sealed_at")
    if not all(isinstance(body[k], str) for k in str_keys):
        raise _bad("a field has the wrong type")
    if body["supersedes"] is not None and not isinstance(body["supersedes"], str):
        raise _bad("a field has the wrong type")
    for key in ("form_version", "seq"):
        if type(body[key]) is not int or body[key] < 1:
            raise _bad(f"its {key.replace('_', ' ')} is not a positive whole number")
    if not isinstance(body["answers"], dict) or not isinstance(body["attachments"], list):
        raise _bad("a field has the wrong type")
    try:
        prev = bytes.fromhex(body["prev"])
    except ValueError:
        raise _bad("its link to the previous record is damaged") from None
    if len(prev) != 32 or prev.hex() != body["prev"]:
        raise _bad("its link to the previous record is damaged")
    attachments = []
    for item in body["attachments"]:
        if not isinstance(item, dict) or set(item) != _ATTACHMENT_KEYS:
            raise _bad("an attachment entry is damaged")
        if not all(isinstance(item[k], str) for k in ("sha256", "mime", "name")) or (
            type(item["size"]) is not int or item["size"] < 0
        ):
            raise _bad("an attachment entry is damaged")
        attachments.append(SealedAttachment(item["sha256"], item["size"], item["mime"],
                                            item["name"]))
    return SealedRecord(
        id=body["id"],
        form_id=body["form_id"],
        form_version=body["form_version"],
        author=body["author"],
        created_at=body["created_at"],
        answers=body["answers"],
        attachments=tuple(attachments),
        seq=body["seq"],
        prev=prev,
        supersedes=body["supersedes"],
        sealed_at=body["sealed_at"],
        canonical=bytes(canonical),
        hash=bytes(digest),
        signature=bytes(signature),
    )


def verify_record(
    canonical: bytes, hash: bytes, signature: bytes, author: PublicIdentity
) -> SealedRecord:
    """Check a sealed record's hash, signature, author and encoding; raise, never return False.

    Raises :class:`RecordInvalid` (or ``keys.errors.SignatureInvalid`` when
    the signature does not match ``author``'s key).
    """
    return verify_record_with_answers(canonical, hash, signature, author)[0]


def verify_record_with_answers(
    canonical: bytes, hash: bytes, signature: bytes, author: PublicIdentity
) -> tuple[SealedRecord, bytes]:
    """:func:`verify_record`, also returning the record's canonical answers bytes.

    Those bytes are what a store keeps as the record's answers (as sealing
    does), and checking the canonical form produces them anyway.
    """
    canonical = bytes(canonical)
    if len(canonical) > MAX_CANONICAL_BYTES:
        raise _bad("it is too large")
    if not hmac.compare_digest(hashlib.sha256(canonical).digest(), bytes(hash)):
        raise _bad("its content does not match its hash")
    author.verify(DOMAIN_RECORD, bytes(hash), bytes(signature))
    body = _load(canonical)
    record = _parse(body, canonical, hash, signature)
    if record.author != author.fingerprint_digits:
        raise _bad("it names a different author")
    # Exactly one encoding per record: bytes that parse but are not the
    # RFC 8785 form of their own content were not written by fieldkit. The
    # content is encoded again as canonical_record builds it ("answers" first,
    # then the other members), so the answers' bytes come out on their own.
    try:
        answers = canonical_json(body["answers"])
        rest = canonical_json({k: v for k, v in body.items() if k != "answers"})
    except (rfc8785.CanonicalizationError, ValueError, TypeError):
        raise _bad("it is not in canonical form") from None
    if _ANSWERS_MEMBER + answers + b"," + rest[1:] != canonical:
        raise _bad("it is not in canonical form")
    return record, answers


# -- chain verification ---------------------------------------------------------------


@dataclass
class ChainReport:
    """What walking one author's chain found; ``problems`` is empty when intact."""

    author: str
    count: int = 0
    head_seq: int = 0
    head_hash: bytes = GENESIS
    problems: list[ChainBroken] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_first(self) -> None:
        """Raise the first problem, if any."""
        if self.problems:
            raise self.problems[0]


_CHAIN_SQL = (
    "SELECT id, status, author, form_id, form_version, created_at, answers, seq, prev, hash,"
    " signature, canonical, supersedes, sealed_at FROM records"
    " WHERE author = ? AND status != 'draft' ORDER BY seq, id"
)


def _check_row(row: tuple[Any, ...], author: PublicIdentity) -> tuple[int, bytes, bytes]:
    """Verify one stored sealed row; return its signed ``(seq, prev, hash)``."""
    (rid, status, _author, form_id, form_version, created_at, answers, seq, prev, digest,
     signature, canonical, supersedes, sealed_at) = row
    digest, signature = bytes(digest), bytes(signature)
    if status == "purged":
        # A tombstone keeps only what the chain needs: its signature must still
        # cover the hash, and the seq/prev columns stand in for the content.
        try:
            author.verify(DOMAIN_RECORD, digest, signature)
        except SignatureInvalid:
            raise EditedRecord(f"Purged record {rid} was altered.", record_id=rid,
                               seq=seq) from None
        return int(seq), bytes(prev), digest
    try:
        sealed = verify_record(signed_bytes(answers, canonical), digest, signature, author)
    except (RecordInvalid, SignatureInvalid):
        raise EditedRecord(f"Sealed record {rid} was changed after sealing.", record_id=rid,
                           seq=seq) from None
    try:
        stored_answers = json.loads(answers)
    except (TypeError, ValueError):
        stored_answers = None
    copies = (sealed.id, sealed.form_id, sealed.form_version, sealed.created_at,
              sealed.answers, sealed.supersedes, sealed.sealed_at)
    if copies != (rid, form_id, form_version, created_at, stored_answers, supersedes,
                  sealed_at):
        raise EditedRecord(f"Sealed record {rid} was changed after sealing.", record_id=rid,
                           seq=sealed.seq)
    if sealed.seq != seq or sealed.prev != bytes(prev):
        raise Reordered(
            f"Sealed record {rid} was moved from place {sealed.seq} of the chain.",
            record_id=rid, seq=sealed.seq,
        )
    return sealed.seq, sealed.prev, digest


def check_chain(store: Store, author: PublicIdentity, *, expected_head: int = 0) -> ChainReport:
    """Walk every sealed record of ``author`` in the store and report every problem.

    ``expected_head`` is the highest seq known from elsewhere (the audit log,
    a bundle manifest): fewer records than that means the newest were removed.
    """
    report = ChainReport(author.fingerprint_digits)
    # seq -> [(id, prev, hash)]; prev and hash are None for an edited record,
    # whose links cannot be trusted (it is reported once, as edited).
    links: dict[int, list[tuple[str, bytes | None, bytes | None]]] = {}
    for row in store.query(_CHAIN_SQL, (author.fingerprint_digits,)):
        report.count += 1
        entry: tuple[str, bytes | None, bytes | None]
        try:
            seq, prev, digest = _check_row(row, author)
            entry = (str(row[0]), prev, digest)
        except Reordered as exc:
            report.problems.append(exc)
            # A moved record is still intact: place it where its signature says.
            seq = int(exc.seq or 0)
            entry = (str(row[0]), _signed_prev(row), bytes(row[9]))
        except ChainBroken as exc:
            report.problems.append(exc)
            seq = int(row[7])
            entry = (str(row[0]), None, None)
        links.setdefault(seq, []).append(entry)
    previous: set[bytes] | None = {GENESIS}
    top = max([*links, expected_head], default=0)
    for seq in range(1, top + 1):
        entries = links.get(seq)
        if not entries:
            report.problems.append(MissingSeq(
                f"Sealed record number {seq} of this author is missing.", seq=seq))
            previous = None  # unknown: the next link cannot be checked
            continue
        known = [(rid, prev, digest) for rid, prev, digest in entries
                 if prev is not None and digest is not None]
        if len({digest for _, _, digest in known}) > 1:
            report.problems.append(Fork(
                f"Two different sealed records are number {seq} of this author.",
                record_id=known[1][0], seq=seq))
        for rid, prev, _ in known:
            if previous is not None and prev not in previous:
                # Both links are signed by the author, so this is another
                # history of theirs, not a storage accident.
                report.problems.append(Fork(
                    f"Sealed record {rid} follows a record this device does not have.",
                    record_id=rid, seq=seq))
        previous = {d for _, _, d in known} if len(known) == len(entries) else None
        report.head_seq = seq
        report.head_hash = known[0][2] if known else b""
    return report


def _signed_prev(row: tuple[Any, ...]) -> bytes:
    return bytes.fromhex(json.loads(bytes(row[11]))["prev"])


def verify_chain(store: Store, author: PublicIdentity, *, expected_head: int = 0) -> ChainReport:
    """Like :func:`check_chain`, but raise the first problem found (a ``ChainBroken``)."""
    report = check_chain(store, author, expected_head=expected_head)
    report.raise_first()
    return report

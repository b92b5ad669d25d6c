"""The record lifecycle: drafts, sealing, amendments and history (DESIGN section 6).

A draft keeps exactly what the user typed, even when it does not validate
yet, so autosave never loses work; the validation errors are returned with
every save. Sealing validates in full, turns the normalised answers into the
canonical bytes of :mod:`fieldkit.chain`, signs them with the device key and
links them into the author's chain, all inside one transaction together with
the search index and the audit log: after a crash a record is either sealed
completely or still a draft.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fieldkit import audit
from fieldkit.attachments import AttachmentRef, attachments_of, remove_attachment
from fieldkit.chain import (
    GENESIS,
    ChainReport,
    SealedAttachment,
    SealedRecord,
    canonical_answers,
    check_chain,
    record_envelope,
    sign_canonical,
    signed_bytes,
    verify_record,
)
from fieldkit.clock import rfc3339
from fieldkit.errors import FieldkitError
from fieldkit.formstore import ensure_form_installed, get_form
from fieldkit.ids import uuid7
from fieldkit.profile import Profile
from fieldkit.records_batch import (
    INSERT_SEALED,
    SEALED_ROW,
    BatchCache,
    BatchWriter,
    index_entry,
)
from fieldkit.search import index_record, unindex_record
from fieldkit.store import Connection
from forms import (
    AnswerError,
    Form,
    form_from_json,
    library_forms,
    validate_answers,
)

__all__ = [
    "MAX_ANSWERS_BYTES",
    "AnswersInvalid",
    "DraftResult",
    "Record",
    "RecordError",
    "RecordSealed",
    "RecordSummary",
    "SealedRecord",
    "UnknownRecord",
    "amend",
    "create_draft",
    "delete_draft",
    "get_record",
    "history",
    "list_records",
    "seal",
    "seal_many",
    "seal_new",
    "start_amendment",
    "update_draft",
    "verify_own_chain",
    "verify_record",
]

MAX_ANSWERS_BYTES = 4 * 1024 * 1024
STATUSES = ("draft", "sealed", "purged")

NewId = Callable[[], str]


# -- errors ---------------------------------------------------------------------------


class RecordError(FieldkitError):
    """The record could not be used."""

    title = "Record problem"


class UnknownRecord(RecordError):
    """There is no such record on this device."""

    title = "Unknown record"
    hint = "see your records with 'fieldkit record list'"


class RecordSealed(RecordError):
    """This record is sealed and can no longer change."""

    title = "Record sealed"
    hint = "correct a sealed record with an amendment"


class AnswersInvalid(RecordError):
    """The answers do not pass the form's checks."""

    title = "Answers not valid"
    hint = "correct the answers listed above, then seal again"

    def __init__(self, errors: list[AnswerError]) -> None:
        # The messages may quote what was typed, so they travel as .errors for
        # the screen to show, never inside the exception's own text.
        count = len(errors)
        super().__init__(
            f"The answers do not pass the form's checks ({count} problem"
            f"{'s' if count != 1 else ''}); nothing was sealed."
        )
        self.errors = list(errors)


# -- what callers get back ---------------------------------------------------------


@dataclass(frozen=True)
class DraftResult:
    """A saved draft and the problems its answers still have."""

    record_id: str
    errors: list[AnswerError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Record:
    """One record as stored: a draft, a sealed record or a purged tombstone."""

    id: str
    form_id: str
    form_version: int
    author: str
    status: str
    created_at: str
    updated_at: str
    answers: dict[str, Any] | None
    attachments: tuple[AttachmentRef, ...]
    seq: int | None
    hash: bytes | None
    supersedes: str | None
    superseded_by: str | None
    sealed_at: str | None
    origin: str
    delivered_at: str | None


@dataclass(frozen=True)
class RecordSummary:
    """One row of a record list: no answers, so nothing sensitive."""

    id: str
    form_id: str
    form_version: int
    status: str
    created_at: str
    updated_at: str
    sealed_at: str | None
    seq: int | None
    supersedes: str | None
    origin: str
    date: str | None
    township: str | None


# -- helpers ----------------------------------------------------------------------------


def _too_large() -> RecordError:
    return RecordError(
        f"The answers are larger than {MAX_ANSWERS_BYTES // (1024 * 1024)} MiB.",
        hint="put long documents in attachments instead",
    )


def _answers_json(answers: Mapping[str, Any], *, sort: bool = True) -> str:
    if not isinstance(answers, Mapping) or not all(isinstance(k, str) for k in answers):
        raise RecordError("The answers must be a JSON object of field names and values.")
    try:
        text = json.dumps(answers, ensure_ascii=False, sort_keys=sort, allow_nan=False)
        size = len(text.encode("utf-8"))
    except (TypeError, ValueError):  # a UnicodeEncodeError too: a lone surrogate
        raise RecordError("The answers hold a value that is not plain JSON.") from None
    if size > MAX_ANSWERS_BYTES:
        raise _too_large()
    return text


_SAFE_INT = 2**53
_PLAIN_CONTAINERS = 1000


def _surely_plain(answers: Any) -> bool:
    """Whether ``answers`` is a dict of plain JSON values, far enough within the size limit
    that :func:`_answers_json` would accept it; False when in any doubt.

    One walk over exact types, without building the JSON text: sealing stores the
    normalised answers, not these, so encoding them only to check them was waste.
    The size is bounded from above: a character of a string or key takes at most 6
    bytes as JSON (a control character becomes \\u00XX), and whatever else a member or
    element takes (quotes, separators, a number, true) at most 30. A container count
    bounds the walk, so a cycle or deep nesting gives up at once.
    """
    if type(answers) is not dict:
        return False
    chars = items = containers = 0
    stack: list[Any] = [answers]
    pop, push = stack.pop, stack.append
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            items += len(item)
            for key, child in item.items():
                if type(key) is not str:
                    return False
                chars += len(key)
                if type(child) is str:
                    chars += len(child)
                elif child is not None and type(child) is not bool:
                    push(child)
        elif kind is list:
            items += len(item)
            for child in item:
                if type(child) is str:
                    chars += len(child)
                elif child is not None and type(child) is not bool:
                    push(child)
        elif kind is int:
            if not -_SAFE_INT < item < _SAFE_INT:
                return False
            continue
        elif kind is float:
            if item - item != 0.0:  # NaN and the infinities are not JSON
                return False
            continue
        else:
            return False
        containers += 1
        if containers > _PLAIN_CONTAINERS or 6 * chars + 30 * items > MAX_ANSWERS_BYTES:
            return False
    return True


def _check_answers(answers: Mapping[str, Any]) -> None:
    """The shape and size checks of :func:`_answers_json` for answers that are not stored
    as given (sealing stores the normalised answers): the same answers pass and fail."""
    if not _surely_plain(answers):
        _answers_json(answers, sort=False)  # refuses with the right message, or accepts


@functools.lru_cache(maxsize=32)
def _form_from_definition(definition: bytes) -> Form:
    # Keyed by the exact stored bytes: parsing and compiling a form costs far
    # more than a seal, and the same definition always gives the same form.
    return form_from_json(definition, source="installed form")


def _installed_form(conn: Connection, form_id: str, version: int) -> Form:
    row = conn.execute(
        "SELECT definition FROM forms WHERE form_id = ? AND version = ?", (form_id, version)
    ).fetchone()
    if row is None:
        raise RecordError(
            f"The form '{form_id}' version {version} of this record is missing from the store.",
            hint="install that form version again with 'fieldkit forms install'",
        )
    return _form_from_definition(bytes(row[0]))


class _Session:
    """State shared by the steps of one write transaction (a batch reuses it)."""

    def __init__(self, profile: Profile, conn: Connection) -> None:
        self.profile = profile
        self.conn = conn
        self.clock = profile.clock
        self.identity = profile.identity
        self.author = self.identity.public.fingerprint_digits
        settings = profile.settings
        self.search_sensitive = settings.search_sensitive
        self.lang = settings.language
        self._head: tuple[int, bytes] | None = None
        self._moment: datetime | None = None
        self._moment_text = ""
        self._forms: dict[tuple[str, int | None], Form] = {}
        # Set by seal_many: new sealed rows go to it instead of straight to the store.
        self.batch: BatchWriter | None = None

    def known_form(self, form_id: str, version: int | None) -> bool:
        return (form_id, version) in self._forms

    def now(self) -> str:
        # The clock is read every time (a pinned or stepping clock sees every
        # call); only the formatting is reused while it gives the same moment,
        # which a clock to the second does for a whole batch of seals.
        moment = self.clock()
        if moment != self._moment:
            self._moment, self._moment_text = moment, rfc3339(moment)
        return self._moment_text

    def new_form(self, form_id: str, version: int | None) -> Form:
        """Resolve a form for a new record and make sure the store keeps its definition."""
        key = (form_id, version)
        if key not in self._forms:
            self._forms[key] = self._resolve_form(form_id, version)
        return self._forms[key]

    def _resolve_form(self, form_id: str, version: int | None) -> Form:
        # Fast path: the definition already in the store, parsed once per
        # process (get_form parses and compiles it on every call, which would
        # cost more than the seal itself).
        if version is None:
            row = self.conn.execute(
                "SELECT max(version) FROM forms WHERE form_id = ?", (form_id,)
            ).fetchone()
            installed = int(row[0]) if row and row[0] is not None else 0
            library = max((f.version for f in library_forms() if f.id == form_id), default=0)
            version = max(installed, library) or None
        if version is not None:
            row = self.conn.execute(
                "SELECT definition FROM forms WHERE form_id = ? AND version = ?",
                (form_id, version),
            ).fetchone()
            if row is not None:
                return _form_from_definition(bytes(row[0]))
        form = get_form(self.profile.store, form_id, version)
        ensure_form_installed(self.conn, form, clock=self.clock)
        return form

    def validate(self, form: Form, answers: Mapping[str, Any], *, partial: bool) -> Any:
        return validate_answers(
            form, answers, lang=self.lang, today=self.clock().date(), partial=partial
        )

    def index(
        self, record_id: str, form: Form, answers: Mapping[str, Any], *, new: bool = False
    ) -> None:
        text, found = index_entry(form, answers, include_sensitive=self.search_sensitive)
        index_record(self.conn, record_id, text, form_id=form.id, facets=found, new=new,
                     normalised=True)

    def next_link(self) -> tuple[int, bytes]:
        if self._head is None:
            row = self.conn.execute(
                "SELECT seq, hash FROM records WHERE author = ? AND seq IS NOT NULL"
                " ORDER BY seq DESC LIMIT 1",
                (self.author,),
            ).fetchone()
            self._head = (int(row[0]), bytes(row[1])) if row else (0, GENESIS)
        seq, prev = self._head
        return seq + 1, prev

    def insert_row(
        self, form: Form, answers: Mapping[str, Any], new_id: NewId, supersedes: str | None
    ) -> str:
        """Insert a draft row only (no index, no audit): the caller does the rest."""
        text = _answers_json(answers)
        record_id = new_id()
        now = self.now()
        self.conn.execute(
            "INSERT INTO records (id, form_id, form_version, author, created_at, updated_at,"
            " status, answers, supersedes, origin) VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?,"
            " 'local')",
            (record_id, form.id, form.version, self.author, now, now, text, supersedes),
        )
        return record_id

    def insert_draft(
        self, form: Form, answers: Mapping[str, Any], new_id: NewId,
        supersedes: str | None = None,
    ) -> DraftResult:
        record_id = self.insert_row(form, answers, new_id, supersedes)
        result = self.validate(form, answers, partial=True)
        self.index(record_id, form, result.answers)
        details: dict[str, Any] = {"form_id": form.id, "version": form.version,
                                   "problems": len(result.errors)}
        if supersedes is not None:
            details["supersedes"] = supersedes
        audit.append(self.conn, "create", record_id, details, clock=self.clock)
        return DraftResult(record_id, list(result.errors))

    def seal_at_once(
        self, form: Form, answers: Mapping[str, Any], new_id: NewId,
        supersedes: str | None = None, *, audited: bool = True,
    ) -> SealedRecord:
        """Create and seal in one step, writing the row once. The draft never
        exists, so nothing is indexed or audited for it: the one audit entry
        ('seal' or 'amend') says ``new`` and carries the form version. A batch
        passes ``audited=False`` and writes one entry for all its records."""
        _check_answers(answers)  # the same shape and size limits as a draft
        result = self.validate(form, answers, partial=False)
        if result.errors:
            raise AnswersInvalid(list(result.errors))
        return self._seal(new_id(), form, self.now(), supersedes, result.answers, [],
                          insert=True, audited=audited)

    def seal_draft(self, record_id: str) -> SealedRecord:
        row = self.conn.execute(
            "SELECT form_id, form_version, author, created_at, status, answers, supersedes"
            " FROM records WHERE id = ?",
            (record_id,),
        ).fetchone()
        if row is None:
            raise UnknownRecord(f"There is no record {record_id}.")
        form_id, version, author, created_at, status, answers, supersedes = row
        if status != "draft":
            raise RecordSealed(f"Record {record_id} is already {status}.")
        if author != self.author:
            raise RecordError(f"Record {record_id} was started on another device.")
        form = _installed_form(self.conn, form_id, int(version))
        result = self.validate(form, json.loads(answers), partial=False)
        if result.errors:
            raise AnswersInvalid(list(result.errors))
        attachments = [
            SealedAttachment(a.sha256, a.size, a.mime, a.name)
            for a in attachments_of(self.conn, record_id)
        ]
        return self._seal(record_id, form, created_at, supersedes, result.answers, attachments,
                          insert=False)

    def _seal(
        self, record_id: str, form: Form, created_at: str, supersedes: str | None,
        answers: dict[str, Any], attachments: list[SealedAttachment], *, insert: bool,
        audited: bool = True,
    ) -> SealedRecord:
        seq, prev = self.next_link()
        sealed_at = self.now()
        # The canonical answers are also what the answers column keeps, so the
        # bulk of the record is encoded once (the column is only ever parsed).
        answers_canonical = canonical_answers(answers)
        if len(answers_canonical) > MAX_ANSWERS_BYTES:
            raise _too_large()
        # The row keeps the answers once: the canonical column holds the rest of
        # the signed bytes (the envelope), and signed_bytes joins the two again.
        envelope = record_envelope(
            record_id=record_id, form_id=form.id, form_version=form.version,
            author=self.author, created_at=created_at, attachments=attachments, seq=seq,
            prev=prev, supersedes=supersedes, sealed_at=sealed_at,
        )
        canonical = signed_bytes(answers_canonical, envelope)
        digest, signature = sign_canonical(self.identity, canonical)
        text = answers_canonical.decode("utf-8")
        if insert:
            row = (record_id, form.id, form.version, self.author, created_at, sealed_at, text,
                   seq, prev, digest, signature, envelope, supersedes, sealed_at, "local")
            if self.batch is not None:
                index_text_, found = index_entry(form, answers,
                                                 include_sensitive=self.search_sensitive)
                self.batch.add(row, (record_id, index_text_, form.id, found))
            else:
                self.conn.execute(INSERT_SEALED + SEALED_ROW, row)
                self.index(record_id, form, answers, new=True)
        else:
            self.conn.execute(
                "UPDATE records SET status = 'sealed', answers = ?, seq = ?, prev = ?,"
                " hash = ?, signature = ?, canonical = ?, sealed_at = ?, updated_at = ?"
                " WHERE id = ? AND status = 'draft'",
                (text, seq, prev, digest, signature, envelope, sealed_at, sealed_at,
                 record_id),
            )
            self.index(record_id, form, answers)
        self._head = (seq, digest)
        if audited:
            action = "seal" if supersedes is None else "amend"
            details: dict[str, Any] = {"form_id": form.id, "seq": seq}
            if insert:
                details["new"] = True
                details["version"] = form.version
            if supersedes is not None:
                details["supersedes"] = supersedes
            audit.append(self.conn, action, record_id, details, clock=self.clock)
        return SealedRecord(
            id=record_id, form_id=form.id, form_version=form.version, author=self.author,
            created_at=created_at, answers=answers,
            attachments=tuple(sorted(attachments, key=_by_sha256)) if attachments else (),
            seq=seq, prev=prev, supersedes=supersedes, sealed_at=sealed_at,
            canonical=canonical, hash=digest, signature=signature,
        )


def _by_sha256(attachment: SealedAttachment) -> str:
    return attachment.sha256


def _status(conn: Connection, record_id: str) -> str:
    row = conn.execute("SELECT status FROM records WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        raise UnknownRecord(f"There is no record {record_id}.")
    return str(row[0])


# -- drafts -------------------------------------------------------------------------------


def create_draft(
    profile: Profile, form_id: str, answers: Mapping[str, Any], *,
    version: int | None = None, new_id: NewId = uuid7,
) -> DraftResult:
    """Save a new draft of ``form_id`` (the newest version unless given); never refuses
    incomplete answers, but returns their problems."""
    with profile.store.transaction() as conn:
        session = _Session(profile, conn)
        return session.insert_draft(session.new_form(form_id, version), answers, new_id)


def update_draft(profile: Profile, record_id: str, answers: Mapping[str, Any]) -> DraftResult:
    """Replace a draft's answers (autosave); return the problems they still have."""
    text = _answers_json(answers)
    with profile.store.transaction() as conn:
        session = _Session(profile, conn)
        status = _status(conn, record_id)
        if status != "draft":
            raise RecordSealed(f"Record {record_id} is {status} and can no longer change.")
        form_id, version = conn.execute(
            "SELECT form_id, form_version FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        form = _installed_form(conn, form_id, int(version))
        conn.execute(
            "UPDATE records SET answers = ?, updated_at = ? WHERE id = ?",
            (text, session.now(), record_id),
        )
        result = session.validate(form, answers, partial=True)
        session.index(record_id, form, result.answers)
        audit.append(conn, "edit", record_id, {"problems": len(result.errors)},
                     clock=profile.clock)
    return DraftResult(record_id, list(result.errors))


def delete_draft(profile: Profile, record_id: str) -> None:
    """Delete a draft, its attachment links and its index entry. Sealed records stay."""
    with profile.store.transaction() as conn:
        status = _status(conn, record_id)
        if status != "draft":
            raise RecordSealed(
                f"Record {record_id} is {status}: only drafts can be deleted.",
                hint="sealed records are kept; correct one with an amendment",
            )
        for ref in attachments_of(conn, record_id):
            remove_attachment(profile.store, record_id, ref.sha256, clock=profile.clock)
        unindex_record(conn, record_id)
        conn.execute("DELETE FROM records WHERE id = ?", (record_id,))
        audit.append(conn, "delete", record_id, {}, clock=profile.clock)


# -- sealing ------------------------------------------------------------------------------


def seal(profile: Profile, record_id: str) -> SealedRecord:
    """Seal a draft: validate in full (raise AnswersInvalid listing every problem), sign,
    chain. Sealed records never change afterwards."""
    with profile.store.transaction() as conn:
        return _Session(profile, conn).seal_draft(record_id)


def seal_new(
    profile: Profile, form_id: str, answers: Mapping[str, Any], *,
    version: int | None = None, new_id: NewId = uuid7,
) -> SealedRecord:
    """Create and seal a record in one transaction; nothing is kept if the answers fail."""
    with profile.store.transaction() as conn:
        session = _Session(profile, conn)
        return session.seal_at_once(session.new_form(form_id, version), answers, new_id)


def seal_many(
    profile: Profile, items: Iterable[tuple[str, Mapping[str, Any]]], *,
    new_id: NewId = uuid7,
) -> list[SealedRecord]:
    """Create and seal many ``(form_id, answers)`` records in one transaction (all or none).

    One commit, and so one fsync, for the whole batch: this is the fast path
    for imports of paper archives and for benchmarks. Every record is
    validated, canonicalised, hashed, signed, chained and indexed as a single
    seal is; the audit log gets one ``seal`` entry for the batch (its count
    and seq range), since sealing a batch is one action. The write-ahead log is
    copied into the database on a background thread once the batch is committed.
    """
    store = profile.store
    with store.deferred_checkpoint(), store.transaction() as conn, BatchCache(conn), _no_gc():
        session = _Session(profile, conn)
        session.next_link()  # read the chain's head before the writer owns the connection
        out = []
        batch = session.batch = BatchWriter(conn)
        try:
            for form_id, answers in items:
                if not session.known_form(form_id, None):
                    batch.drain()  # resolving a form may read and write the store
                form = session.new_form(form_id, None)
                out.append(session.seal_at_once(form, answers, new_id, audited=False))
            batch.flush()
        except BaseException:
            batch.close(quiet=True)
            raise
        batch.close()
        if out:
            _audit_batch(session, out)
        return out


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """No cyclic garbage collection during a batch: it allocates many small acyclic
    objects, which reference counting frees, and the collector's passes over the
    growing list of sealed records cost several percent of the batch."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _audit_batch(session: _Session, sealed: list[SealedRecord]) -> None:
    """One audit entry for a batch seal: the audit log records actions, and sealing a
    batch is one action. Each record is still in the author's chain with its own
    hash and signature; the entry names the range of seqs it added, and its ``seq``
    (the newest) is what :func:`verify_own_chain` expects the chain to reach."""
    forms = sorted({f"{r.form_id}@{r.form_version}" for r in sealed})
    details: dict[str, Any] = {
        "new": True, "count": len(sealed), "first_seq": sealed[0].seq,
        "seq": sealed[-1].seq, "forms": forms,
    }
    audit.append(session.conn, "seal", None, details, clock=session.clock)


# -- amendments ---------------------------------------------------------------------------


def _amendable(conn: Connection, record_id: str) -> tuple[str, int]:
    row = conn.execute(
        "SELECT status, form_id, form_version FROM records WHERE id = ?", (record_id,)
    ).fetchone()
    if row is None:
        raise UnknownRecord(f"There is no record {record_id}.")
    if row[0] != "sealed":
        raise RecordError(
            f"Record {record_id} is {row[0]}: only sealed records are amended.",
            hint="a draft can simply be edited" if row[0] == "draft" else None,
        )
    newer = conn.execute(
        "SELECT id FROM records WHERE supersedes = ? LIMIT 1", (record_id,)
    ).fetchone()
    if newer is not None:
        raise RecordError(
            f"Record {record_id} already has an amendment ({newer[0]}).",
            hint="amend the newest version, or seal or delete the pending amendment",
        )
    return str(row[1]), int(row[2])


def start_amendment(
    profile: Profile, record_id: str, answers: Mapping[str, Any], *, new_id: NewId = uuid7
) -> DraftResult:
    """Start a draft that will supersede sealed record ``record_id`` once sealed
    (same form version), so files can be attached before sealing."""
    with profile.store.transaction() as conn:
        form_id, version = _amendable(conn, record_id)
        session = _Session(profile, conn)
        form = _installed_form(conn, form_id, version)
        return session.insert_draft(form, answers, new_id, supersedes=record_id)


def amend(
    profile: Profile, record_id: str, answers: Mapping[str, Any], *, new_id: NewId = uuid7
) -> SealedRecord:
    """Seal a correction of ``record_id`` at once: a new sealed record naming the one it
    supersedes; both are kept."""
    with profile.store.transaction() as conn:
        form_id, version = _amendable(conn, record_id)
        session = _Session(profile, conn)
        form = _installed_form(conn, form_id, version)
        return session.seal_at_once(form, answers, new_id, supersedes=record_id)


# -- reading ------------------------------------------------------------------------------

_RECORD_SQL = (
    "SELECT id, form_id, form_version, author, status, created_at, updated_at, answers, seq,"
    " hash, supersedes, sealed_at, origin, delivered_at,"
    " (SELECT n.id FROM records n WHERE n.supersedes = r.id ORDER BY n.created_at LIMIT 1)"
    " FROM records r WHERE id = ?"
)


def get_record(profile: Profile, record_id: str) -> Record:
    """One record with its attachments; raise UnknownRecord."""
    row = profile.store.query_one(_RECORD_SQL, (record_id,))
    if row is None:
        raise UnknownRecord(f"There is no record {record_id}.")
    (rid, form_id, version, author, status, created_at, updated_at, answers, seq, digest,
     supersedes, sealed_at, origin, delivered_at, superseded_by) = row
    return Record(
        id=rid, form_id=form_id, form_version=int(version), author=author, status=status,
        created_at=created_at, updated_at=updated_at,
        answers=json.loads(answers) if answers is not None else None,
        attachments=tuple(attachments_of(profile.store, rid)),
        seq=seq, hash=bytes(digest) if digest is not None else None, supersedes=supersedes,
        superseded_by=superseded_by, sealed_at=sealed_at, origin=origin,
        delivered_at=delivered_at,
    )


def list_records(
    profile: Profile, *, form_id: str | None = None, status: str | None = None,
    limit: int | None = None, offset: int = 0,
) -> list[RecordSummary]:
    """Records newest first, optionally of one form and/or one status."""
    if status is not None and status not in STATUSES:
        raise RecordError(f"Unknown record status {status!r}.",
                          hint="use draft, sealed or purged")
    where, args = [], []
    if form_id is not None:
        where.append("r.form_id = ?")
        args.append(form_id)
    if status is not None:
        where.append("r.status = ?")
        args.append(status)
    sql = (
        "SELECT r.id, r.form_id, r.form_version, r.status, r.created_at, r.updated_at,"
        " r.sealed_at, r.seq, r.supersedes, r.origin, f.date, f.township FROM records r"
        " LEFT JOIN record_facets f ON f.record_id = r.id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?"
    )
    rows = profile.store.query(sql, [*args, -1 if limit is None else limit, offset])
    return [
        RecordSummary(r[0], r[1], int(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
                      r[11])
        for r in rows
    ]


def history(profile: Profile, record_id: str) -> list[Record]:
    """Every version of the record ``record_id`` belongs to, oldest first."""
    first = get_record(profile, record_id)
    seen = {first.id}
    while first.supersedes is not None:
        try:
            older = get_record(profile, first.supersedes)
        except UnknownRecord:
            break  # the original is not on this device (e.g. purged by a receipt)
        if older.id in seen:
            break
        seen.add(older.id)
        first = older
    out = [first]
    walked = {first.id}  # guards against a cycle written underneath us
    while out[-1].superseded_by is not None and out[-1].superseded_by not in walked:
        newer = get_record(profile, out[-1].superseded_by)
        walked.add(newer.id)
        out.append(newer)
    return out


def verify_own_chain(profile: Profile) -> ChainReport:
    """Check this device's own chain, including that the newest seals are all still there."""
    row = profile.store.query_one(
        "SELECT max(CAST(json_extract(details, '$.seq') AS INTEGER)) FROM audit_log"
        " WHERE action IN ('seal', 'amend')"
    )
    expected = int(row[0]) if row and row[0] is not None else 0
    return check_chain(profile.store, profile.identity.public, expected_head=expected)


def record_digest_hex(record: Record | SealedRecord) -> str | None:
    """The record's hash as hex (None for drafts), for display."""
    return record.hash.hex() if record.hash is not None else None

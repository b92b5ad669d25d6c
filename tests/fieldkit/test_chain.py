"""Chain verification catches records edited, removed, moved or forked underneath the app."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldkit import records
from fieldkit.chain import (
    ChainBroken,
    EditedRecord,
    Fork,
    MissingSeq,
    Reordered,
    canonical_json,
    canonical_record,
    check_chain,
    sign_canonical,
    verify_chain,
)
from fieldkit.formstore import install_form
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from forms import load_form_file

DATA = Path(__file__).parents[1] / "data" / "records"
GOOD = {"summary": "Shelling near the school", "people": 2}


@pytest.fixture
def profile(tmp_path: Path) -> Iterator[Profile]:
    with Profile.create(tmp_path / "h", "passphrase1", name="T", role="fieldworker",
                        params=TESTING) as p:
        install_form(p.store, load_form_file(DATA / "kat-form.yaml"))
        yield p


def _chain(p: Profile, n: int = 5) -> list[records.SealedRecord]:
    return records.seal_many(p, [("kat_form", {**GOOD, "people": i}) for i in range(n)])


def _underneath(p: Profile, sql: str, args: tuple[Any, ...] = ()) -> None:
    with p.store.transaction() as conn:
        conn.execute(sql, args)


def _kinds(p: Profile) -> list[type[ChainBroken]]:
    return [type(e) for e in records.verify_own_chain(p).problems]


def test_intact_chain(profile: Profile) -> None:
    sealed = _chain(profile)
    report = verify_chain(profile.store, profile.identity.public)
    assert report.ok and report.count == 5 and report.head_seq == 5
    assert report.head_hash == sealed[-1].hash


def test_edited_canonical_bytes(profile: Profile) -> None:
    sealed = _chain(profile)
    forged = sealed[2].canonical.replace(b'"people":2', b'"people":9')
    _underneath(profile, "UPDATE records SET canonical = ? WHERE id = ?", (forged, sealed[2].id))
    with pytest.raises(EditedRecord) as caught:
        records.verify_own_chain(profile).raise_first()
    assert caught.value.record_id == sealed[2].id


def test_edited_answers_column(profile: Profile) -> None:
    sealed = _chain(profile)
    _underneath(profile, "UPDATE records SET answers = ? WHERE id = ?",
                (json.dumps({**GOOD, "people": 40}), sealed[1].id))
    assert _kinds(profile) == [EditedRecord]


def test_rehashed_but_unsigned_edit(profile: Profile) -> None:
    sealed = _chain(profile)
    forged = sealed[0].canonical.replace(b"school", b"temple")
    _underneath(profile, "UPDATE records SET canonical = ?, hash = ? WHERE id = ?",
                (forged, hashlib.sha256(forged).digest(), sealed[0].id))
    kinds = _kinds(profile)
    assert kinds[0] is EditedRecord


def test_missing_record_in_the_middle(profile: Profile) -> None:
    sealed = _chain(profile)
    _underneath(profile, "DELETE FROM records WHERE id = ?", (sealed[2].id,))
    with pytest.raises(MissingSeq) as caught:
        verify_chain(profile.store, profile.identity.public)
    assert caught.value.seq == 3


def test_missing_newest_record_is_caught_through_the_audit_log(profile: Profile) -> None:
    sealed = _chain(profile)
    _underneath(profile, "DELETE FROM records WHERE id = ?", (sealed[-1].id,))
    # The records alone cannot show that the newest is gone...
    assert check_chain(profile.store, profile.identity.public).ok
    # ...but the audit log remembers that number 5 was sealed.
    assert _kinds(profile) == [MissingSeq]


def test_reordered_records(profile: Profile) -> None:
    sealed = _chain(profile)
    _underneath(profile, "UPDATE records SET seq = 99 WHERE id = ?", (sealed[1].id,))
    _underneath(profile, "UPDATE records SET seq = 2 WHERE id = ?", (sealed[2].id,))
    _underneath(profile, "UPDATE records SET seq = 3 WHERE id = ?", (sealed[1].id,))
    with pytest.raises(Reordered):
        verify_chain(profile.store, profile.identity.public)
    assert set(_kinds(profile)) == {Reordered}


def test_swapped_prev_links(profile: Profile) -> None:
    sealed = _chain(profile)
    _underneath(profile, "UPDATE records SET prev = ? WHERE id = ?", (bytes(32), sealed[3].id))
    assert _kinds(profile) == [Reordered]


def _forge(p: Profile, seq: int, prev: bytes, rid: str) -> None:
    """Seal a second, validly signed record by the same author: what a cloned device does."""
    answers = {**GOOD, "summary": "another history"}
    canonical = canonical_record(
        record_id=rid, form_id="kat_form", form_version=1,
        author=p.identity.public.fingerprint_digits, created_at="2026-01-01T00:00:00Z",
        answers=answers, attachments=[], seq=seq, prev=prev, supersedes=None,
        sealed_at="2026-01-01T00:00:00Z",
    )
    digest, signature = sign_canonical(p.identity, canonical)
    _underneath(
        p,
        "INSERT INTO records (id, form_id, form_version, author, created_at, updated_at, status,"
        " answers, seq, prev, hash, signature, canonical, sealed_at) VALUES (?, 'kat_form', 1,"
        " ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'sealed', ?, ?, ?, ?, ?, ?,"
        " '2026-01-01T00:00:00Z')",
        (rid, p.identity.public.fingerprint_digits, json.dumps(answers), seq, prev, digest,
         signature, canonical),
    )


def test_fork_two_records_with_the_same_number(profile: Profile) -> None:
    sealed = _chain(profile, 3)
    _forge(profile, 3, sealed[1].hash, "019b0000-0000-7000-8000-00000000f0f0")
    with pytest.raises(Fork) as caught:
        verify_chain(profile.store, profile.identity.public)
    assert caught.value.seq == 3


def test_fork_a_record_following_another_history(profile: Profile) -> None:
    _chain(profile, 3)
    _forge(profile, 4, hashlib.sha256(b"elsewhere").digest(),
           "019b0000-0000-7000-8000-00000000f0f1")
    assert _kinds(profile) == [Fork]


def test_a_purged_tombstone_still_verifies(profile: Profile) -> None:
    sealed = _chain(profile)
    _underneath(profile, "UPDATE records SET status = 'purged', answers = NULL,"
                " canonical = NULL WHERE id = ?", (sealed[1].id,))
    assert records.verify_own_chain(profile).ok
    _underneath(profile, "UPDATE records SET signature = ? WHERE id = ?",
                (bytes(64), sealed[1].id))
    assert _kinds(profile) == [EditedRecord]


def test_other_authors_are_separate_chains(profile: Profile, tmp_path: Path) -> None:
    _chain(profile, 2)
    with Profile.create(tmp_path / "other", "passphrase1", name="O", role="fieldworker",
                        params=TESTING) as other:
        report = check_chain(profile.store, other.identity.public)
    assert report.ok and report.count == 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_canonical_json_matches_rfc8785(value: Any) -> None:
    try:
        expected = rfc8785.dumps(value)
    except Exception as exc:  # rfc8785 refuses: so must we
        with pytest.raises(type(exc)):
            canonical_json(value)
        return
    assert canonical_json(value) == expected

"""The fast sealing paths keep every check: canonical bytes, chain, index and audit."""

from __future__ import annotations

import copy
import json
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rfc8785
import sqlcipher3
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldkit import audit, records
from fieldkit.chain import _KEYS, canonical_answers, canonical_record, verify_record
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.search import search
from forms import index_text, library_example, library_form, validate_answers
from forms.expr.values import _equal, _order, compare, normalize

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@pytest.fixture
def profile(tmp_path: Path) -> Iterator[Profile]:
    with Profile.create(tmp_path / "h", "passphrase1", name="T", role="fieldworker",
                        params=TESTING) as p:
        yield p


def _incident(i: int) -> dict[str, Any]:
    answers = copy.deepcopy(library_example("incident"))
    answers["incident_title"] = f"Market airstrike, case {i:04d}"
    return answers


def test_answers_sort_first_among_the_record_keys() -> None:
    # canonical_record splices the answers in first; that needs this ordering.
    assert min(_KEYS) == "answers"


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(), json_values, max_size=6), st.text(), st.none() | st.text())
def test_canonical_record_is_rfc8785_of_the_whole_body(
    answers: dict[str, Any], name: str, supersedes: str | None
) -> None:
    fields: dict[str, Any] = {
        "record_id": "0190d000-0000-7000-8000-000000000001", "form_id": "f",
        "form_version": 2, "author": "1" * 30, "created_at": "2024-01-02T03:04:05Z",
        "attachments": [], "seq": 7, "prev": bytes(range(32)), "supersedes": supersedes,
        "sealed_at": "2024-01-02T03:04:06Z",
    }
    body = {
        "format": "fieldkit-record/1", "id": fields["record_id"], "form_id": "f",
        "form_version": 2, "author": fields["author"], "created_at": fields["created_at"],
        "answers": answers, "attachments": [], "seq": 7, "prev": bytes(range(32)).hex(),
        "supersedes": supersedes, "sealed_at": fields["sealed_at"],
    }
    try:
        expected = rfc8785.dumps(body)
    except Exception:
        return  # values RFC 8785 refuses are refused by sealing too (tested elsewhere)
    assert canonical_record(answers=answers, **fields) == expected
    given_bytes = canonical_answers(answers)
    assert canonical_record(answers=answers, answers_canonical=given_bytes, **fields) == expected


def test_seal_many_keeps_every_record_chained_indexed_and_one_audit_entry(
    profile: Profile,
) -> None:
    before = len(audit.entries(profile.store))
    sealed = records.seal_many(profile, [("incident", _incident(i)) for i in range(25)])
    assert [r.seq for r in sealed] == list(range(1, 26))
    author = profile.identity.public
    for previous, record in zip([None, *sealed], sealed, strict=False):
        again = verify_record(record.canonical, record.hash, record.signature, author)
        assert again.answers == record.answers
        assert record.prev == (previous.hash if previous else bytes(32))
        stored = records.get_record(profile, record.id)
        assert stored.status == "sealed" and stored.answers == record.answers
        assert stored.hash == record.hash
    report = records.verify_own_chain(profile)
    assert report.ok and report.count == 25 and report.head_seq == 25
    # One action, one entry: it names the seq range and the form, never content.
    entries = audit.entries(profile.store)[before:]
    assert [e.action for e in entries] == ["form-install", "seal"]
    entry = entries[-1]
    assert entry.action == "seal" and entry.subject is None
    assert entry.details == {"new": True, "count": 25, "first_seq": 1, "seq": 25,
                             "forms": [f"incident@{sealed[0].form_version}"]}
    assert audit.verify(profile.store) == before + 2
    hits = search(profile.store, "case 0007")
    assert [h.record_id for h in hits] == [sealed[7].id]
    assert len(search(profile.store, "လေကြောင်းတိုက်ခိုက်မှု", limit=100)) == 25


def test_seal_many_then_single_seals_continue_the_chain(profile: Profile) -> None:
    records.seal_many(profile, [("incident", _incident(i)) for i in range(3)])
    one = records.seal_new(profile, "incident", _incident(99))
    assert one.seq == 4
    records.seal_many(profile, [("incident", _incident(i)) for i in range(100, 102)])
    report = records.verify_own_chain(profile)
    assert report.ok and report.head_seq == 6


def test_seal_many_of_nothing_writes_nothing(profile: Profile) -> None:
    before = len(audit.entries(profile.store))
    assert records.seal_many(profile, []) == []
    assert len(audit.entries(profile.store)) == before


def test_stored_answers_are_the_canonical_answers(profile: Profile) -> None:
    record = records.seal_new(profile, "incident", _incident(1))
    row = profile.store.query_one("SELECT answers FROM records WHERE id = ?", (record.id,))
    assert row is not None
    assert row[0].encode("utf-8") == canonical_answers(record.answers)
    assert json.loads(row[0]) == record.answers


def test_index_text_is_nfc_and_each_piece_once() -> None:
    form = library_form("incident")
    answers = validate_answers(form, library_example("incident")).answers
    text = index_text(form, answers, include_sensitive=True)
    assert unicodedata.normalize("NFC", text) == text
    lines = text.split("\n")
    assert len(lines) == len(set(lines))
    # Free text typed in decomposed form is normalised on the way in.
    decomposed = unicodedata.normalize("NFD", "Café ဦး")
    raw = {**answers, "narrative": f"A long enough narrative mentioning {decomposed} here."}
    text = index_text(form, raw, include_sensitive=True)
    assert unicodedata.normalize("NFC", decomposed) in text and decomposed not in text


def _no_writer_left() -> bool:
    return not any(t.name == "fieldkit-seal-writer" for t in threading.enumerate())


def _counts(p: Profile) -> tuple[int, ...]:
    return tuple(
        int(p.store.query_one(f"SELECT count(*) FROM {table}")[0])  # type: ignore[index]
        for table in ("records", "record_facets", "record_text", "audit_log")
    )


def test_seal_many_failing_late_keeps_nothing(profile: Profile) -> None:
    records.seal_many(profile, [("incident", _incident(0))])
    before = _counts(profile)
    bad = _incident(1)
    bad["victims"][0]["victim_age"] = "old"
    batch = [("incident", _incident(i)) for i in range(200)] + [("incident", bad)]
    with pytest.raises(records.AnswersInvalid):
        records.seal_many(profile, batch)
    assert _counts(profile) == before and _no_writer_left()
    assert records.verify_own_chain(profile).head_seq == 1


def test_seal_many_a_store_error_in_the_writer_rolls_back(profile: Profile) -> None:
    # The same id twice: the writer thread's INSERT fails, and the caller sees it.
    before = _counts(profile)
    with pytest.raises(sqlcipher3.IntegrityError):
        records.seal_many(profile, [("incident", _incident(i)) for i in range(150)],
                          new_id=lambda: "0190d000-0000-7000-8000-00000000dup0")
    assert _counts(profile) == before and _no_writer_left()


def test_seal_many_mixes_forms_and_matches_single_seals(profile: Profile, tmp_path: Path) -> None:
    testimony = library_example("testimony")
    batch = [("incident", _incident(i)) if i % 3 else ("testimony", testimony)
             for i in range(140)]
    sealed = records.seal_many(profile, batch)
    assert records.verify_own_chain(profile).ok and _no_writer_left()
    # The batch's index rows are the rows single seals write.
    with Profile.create(tmp_path / "single", "passphrase1", name="S", role="fieldworker",
                        params=TESTING) as single:
        one = records.seal_new(single, "incident", _incident(1))
        row_single = single.store.query_one(
            "SELECT f.form_id, f.date, f.state, f.township, f.violation_types, t.body"
            " FROM record_facets f JOIN record_text t ON t.rowid = f.id WHERE f.record_id = ?",
            (one.id,))
    row_batch = profile.store.query_one(
        "SELECT f.form_id, f.date, f.state, f.township, f.violation_types, t.body"
        " FROM record_facets f JOIN record_text t ON t.rowid = f.id WHERE f.record_id = ?",
        (sealed[1].id,))
    assert row_batch == row_single
    ids = {r[0] for r in profile.store.query("SELECT record_id FROM record_facets")}
    assert ids == {r.id for r in sealed}


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=6), st.sampled_from(["1", "1.0", "true", "2024-01-01", ""])),
       st.one_of(st.text(max_size=6), st.sampled_from(["1", "01", "false", "2024-01-01", ""])))
def test_string_equality_fast_path_agrees_with_xpath_equality(left: str, right: str) -> None:
    assert compare("=", left, right) is _equal(left, right)
    assert compare("!=", left, right) is (not _equal(left, right))
    assert normalize(left) is left


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]),
       st.integers(-(10**40), 10**40) | st.integers(-200, 200),
       st.integers(-(10**40), 10**40) | st.integers(-200, 200))
def test_integer_comparison_fast_path_agrees_with_the_conversions(
    op: str, left: int, right: int
) -> None:
    if op in ("=", "!="):
        expected = _equal(normalize(left), normalize(right))
        expected = expected if op == "=" else not expected
    else:
        expected = _order(op, normalize(left), normalize(right))
    assert compare(op, left, right) is expected

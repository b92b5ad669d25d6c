"""The sealing path's shortcuts answer exactly as the slow paths they stand in for."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldkit import records
from fieldkit.chain import (
    FORMAT,
    RecordInvalid,
    SealedAttachment,
    _envelope_text,
    record_envelope,
    verify_record,
)
from fieldkit.formstore import install_form
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.records import MAX_ANSWERS_BYTES, RecordError, _answers_json, _check_answers
from fieldkit.records_batch import index_entry
from forms import load_form_file, term_key

DATA = Path(__file__).parents[1] / "data" / "records"


def _outcome(check: Any, answers: Any) -> str:
    try:
        check(answers)
    except RecordError as exc:
        return exc.message
    except RecursionError:
        return "recursion"
    return "ok"


def _full(answers: Any) -> None:
    _answers_json(answers, sort=False)


leaves = (
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.floats() | st.text(max_size=8)
    | st.binary(max_size=2) | st.tuples(st.integers())
)
values = st.recursive(
    leaves,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=4) | st.integers(0, 3), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=6), values, max_size=6) | values)
def test_check_answers_agrees_with_encoding_them(answers: Any) -> None:
    assert _outcome(_check_answers, answers) == _outcome(_full, answers)


@pytest.mark.parametrize("answers", [
    {1: "x"}, {"a": {1: "x"}}, {"a": float("nan")}, {"a": float("-inf")}, {"a": 2**53},
    {"a": -(2**70)}, {"a": b"x"}, {"a": {"x"}}, {"a": ("t",)}, OrderedDict(a=1), [1],
    {"a": "x" * (MAX_ANSWERS_BYTES + 1)}, {"a": "\x00" * (MAX_ANSWERS_BYTES // 5)},
    {"a": "x" * (MAX_ANSWERS_BYTES // 7)}, {"a": [0] * (MAX_ANSWERS_BYTES // 4)},
    {"a": [[[]]] * 2000},
])
def test_check_answers_edge_cases(answers: Any) -> None:
    assert _outcome(_check_answers, answers) == _outcome(_full, answers)


def test_check_answers_refuses_cycles_plainly() -> None:
    cycle: dict[str, Any] = {"a": []}
    cycle["a"].append(cycle)
    assert _outcome(_check_answers, cycle) == "The answers hold a value that is not plain JSON."


def test_check_answers_on_deep_nesting_as_before() -> None:
    deep: list[Any] = []
    node = deep
    for _ in range(3000):
        node.append([])
        node = node[0]
    assert _outcome(_check_answers, {"a": deep}) == _outcome(_full, {"a": deep})


# -- clock and form caches -------------------------------------------------------------


@pytest.fixture
def stepping(tmp_path: Path) -> Iterator[tuple[Profile, list[datetime]]]:
    """A profile whose clock moves on a second at every reading, noting each one."""
    seen: list[datetime] = []
    start = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)

    def clock() -> datetime:
        seen.append(start + timedelta(seconds=len(seen)))
        return seen[-1]

    with Profile.create(tmp_path / "h", "passphrase1", name="T", role="fieldworker",
                        params=TESTING, clock=clock) as p:
        install_form(p.store, load_form_file(DATA / "kat-form.yaml"), clock=clock)
        yield p, seen


def test_every_timestamp_is_its_own_clock_reading(
    stepping: tuple[Profile, list[datetime]],
) -> None:
    profile, seen = stepping
    sealed = records.seal_many(profile, [("kat_form", {"summary": f"s{n}", "people": n})
                                         for n in range(3)])
    stamps = [(r.created_at, r.sealed_at) for r in sealed]
    assert all(created < sealed_at for created, sealed_at in stamps)
    assert len({s for pair in stamps for s in pair}) == 6
    readings = {m.strftime("%Y-%m-%dT%H:%M:%SZ") for m in seen}
    assert {s for pair in stamps for s in pair} <= readings


def test_a_pinned_clock_gives_one_timestamp(tmp_path: Path) -> None:
    moment = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    with Profile.create(tmp_path / "h", "passphrase1", name="T", role="fieldworker",
                        params=TESTING, clock=lambda: moment) as p:
        install_form(p.store, load_form_file(DATA / "kat-form.yaml"))
        sealed = records.seal_many(p, [("kat_form", {"summary": "s", "people": 1})] * 2)
    assert {r.created_at for r in sealed} | {r.sealed_at for r in sealed} == {
        "2026-03-01T12:00:00Z"}


def test_index_entry_names_the_form_by_its_key(tmp_path: Path) -> None:
    form = load_form_file(DATA / "kat-form.yaml")
    answers = {"summary": "Shelling near the school", "people": 2}
    text, _ = index_entry(form, answers, include_sensitive=False)
    assert text.split("\n")[0] == "Shelling near the school"
    assert term_key("form", form.id) in text.split("\n")[-1].split(" ")
    assert index_entry(form, answers, include_sensitive=False)[0] == text


# -- the envelope written member by member -------------------------------------------

texts = st.text(max_size=12)
attachment = st.builds(
    SealedAttachment, st.text(alphabet="0123456789abcdef", min_size=1, max_size=8),
    st.integers(0, 2**40) | st.integers(), texts, texts,
)


@settings(max_examples=300, deadline=None)
@given(texts, texts, st.integers(), texts, texts, st.lists(attachment, max_size=3),
       st.integers(), st.binary(min_size=32, max_size=32), st.none() | texts, texts)
def test_envelope_text_is_the_general_encoding(
    record_id: str, form_id: str, form_version: int, author: str, created_at: str,
    attachments: list[SealedAttachment], seq: int, prev: bytes, supersedes: str | None,
    sealed_at: str,
) -> None:
    fields: dict[str, Any] = {
        "record_id": record_id, "form_id": form_id, "form_version": form_version,
        "author": author, "created_at": created_at, "attachments": attachments, "seq": seq,
        "prev": prev, "supersedes": supersedes, "sealed_at": sealed_at,
    }
    general = {
        "format": FORMAT, "id": record_id, "form_id": form_id, "form_version": form_version,
        "author": author, "created_at": created_at,
        "attachments": [{"sha256": a.sha256, "size": a.size, "mime": a.mime, "name": a.name}
                        for a in sorted(attachments, key=lambda a: a.sha256)],
        "seq": seq, "prev": prev.hex(), "supersedes": supersedes, "sealed_at": sealed_at,
    }
    try:
        expected: bytes | None = rfc8785.dumps(general)
    except rfc8785.CanonicalizationError:
        expected = None
    fast = _envelope_text(**fields)
    assert fast is None or fast == expected
    if expected is None:
        with pytest.raises(RecordInvalid):
            record_envelope(**fields)
    else:
        assert record_envelope(**fields) == expected


def test_envelope_of_odd_strings() -> None:
    fields: dict[str, Any] = {
        "record_id": 'a"\\\x00\x1f\x7f\u2028', "form_id": "f", "form_version": 2**53 - 1,
        "author": "\U0001f600", "created_at": "é", "attachments": [], "seq": 1,
        "prev": bytes(32), "supersedes": "\ufeff", "sealed_at": "",
    }
    assert _envelope_text(**fields) == rfc8785.dumps({
        "format": FORMAT, "id": fields["record_id"], "form_id": "f", "form_version": 2**53 - 1,
        "author": "\U0001f600", "created_at": "é", "attachments": [], "seq": 1,
        "prev": "00" * 32, "supersedes": "\ufeff", "sealed_at": "",
    })
    assert _envelope_text(**{**fields, "seq": 2**53}) is None
    assert _envelope_text(**{**fields, "seq": True}) is None
    assert _envelope_text(**{**fields, "author": "\ud800"}) is None


# -- what a batch returns is what it stored -----------------------------------------------


def test_batch_returns_the_records_it_stored(
    stepping: tuple[Profile, list[datetime]],
) -> None:
    profile, _ = stepping
    made = records.seal_many(profile, [("kat_form", {"summary": f"s{n}", "people": n})
                                       for n in range(150)])  # more than two chunks
    me = profile.identity.public
    for sealed in made:
        row = profile.store.query_one(
            "SELECT hash, signature FROM records WHERE id = ?", (sealed.id,))
        assert row is not None and (bytes(row[0]), bytes(row[1])) == (
            sealed.hash, sealed.signature)
        assert verify_record(sealed.canonical, sealed.hash, sealed.signature, me) == sealed
    assert records.verify_own_chain(profile).ok
    assert [r.seq for r in made] == list(range(1, 151))

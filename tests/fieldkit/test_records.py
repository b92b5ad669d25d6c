"""The record lifecycle: drafts, sealing, amendments, history, lists, audit, migration."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldkit import audit, migrations, records
from fieldkit.attachments import AttachmentRefused, add_attachment
from fieldkit.chain import signed_bytes, verify_record
from fieldkit.formstore import install_form
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from fieldkit.search import search
from fieldkit.store import Store
from forms import library_example, load_form_file

DATA = Path(__file__).parents[1] / "data" / "records"
GOOD = {"summary": "Houses burned in ရွာသစ် village", "people": 3, "acts": ["arson"],
        "victim_name": "Daw Hla (fictional)"}


@pytest.fixture
def profile(tmp_path: Path) -> Iterator[Profile]:
    with Profile.create(tmp_path / "h", "passphrase1", name="T", role="fieldworker",
                        params=TESTING) as p:
        install_form(p.store, load_form_file(DATA / "kat-form.yaml"))
        yield p


def _actions(p: Profile) -> list[str]:
    return [e.action for e in audit.entries(p.store)]


def test_incomplete_draft_is_saved_with_its_problems(profile: Profile) -> None:
    draft = records.create_draft(profile, "kat_form", {"summary": "started"})
    assert draft.ok  # missing required answers are not errors in a draft
    bad = records.update_draft(profile, draft.record_id, {"summary": "x", "people": "many"})
    assert [e.path for e in bad.errors] == ["people"]
    record = records.get_record(profile, draft.record_id)
    # What the user typed is kept verbatim, even the invalid answer.
    assert record.status == "draft" and record.answers == {"summary": "x", "people": "many"}
    assert record.seq is None and record.hash is None


def test_seal_refuses_invalid_answers_and_lists_every_problem(profile: Profile) -> None:
    draft = records.create_draft(profile, "kat_form", {"people": -1, "acts": ["bogus"]})
    with pytest.raises(records.AnswersInvalid) as caught:
        records.seal(profile, draft.record_id)
    paths = sorted(e.path for e in caught.value.errors)
    assert paths == ["acts[0]", "people", "summary"]
    assert "bogus" not in str(caught.value)  # no content in the error text itself
    assert records.get_record(profile, draft.record_id).status == "draft"


def test_seal_signs_chains_and_freezes(profile: Profile) -> None:
    first = records.seal_new(profile, "kat_form", GOOD)
    draft = records.create_draft(profile, "kat_form", GOOD)
    second = records.seal(profile, draft.record_id)
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev == bytes(32) and second.prev == first.hash
    me = profile.identity.public
    again = verify_record(second.canonical, second.hash, second.signature, me)
    assert again == second
    with pytest.raises(records.RecordSealed):
        records.update_draft(profile, second.id, GOOD)
    with pytest.raises(records.RecordSealed):
        records.seal(profile, second.id)
    with pytest.raises(records.RecordSealed):
        records.delete_draft(profile, second.id)
    assert records.verify_own_chain(profile).ok


def test_sealing_normalises_and_stores_the_canonical_bytes(profile: Profile) -> None:
    sealed = records.seal_new(profile, "kat_form", {**GOOD, "summary": "  spaced  \n"})
    stored = profile.store.query_one(
        "SELECT canonical, answers FROM records WHERE id = ?", (sealed.id,))
    assert stored is not None
    # The answers are kept once: the canonical column holds the rest of the signed bytes.
    assert signed_bytes(stored[1], bytes(stored[0])) == sealed.canonical
    assert not bytes(stored[0]).startswith(b'{"answers":')
    assert json.loads(stored[1]) == sealed.answers == json.loads(sealed.canonical)["answers"]


def test_seal_new_is_all_or_nothing(profile: Profile) -> None:
    with pytest.raises(records.AnswersInvalid):
        records.seal_new(profile, "kat_form", {"summary": "no count"})
    assert records.list_records(profile) == []


def test_seal_many_is_one_batch_all_or_nothing(profile: Profile) -> None:
    batch = [("kat_form", {**GOOD, "people": i}) for i in range(50)]
    sealed = records.seal_many(profile, batch)
    assert [s.seq for s in sealed] == list(range(1, 51))
    with pytest.raises(records.AnswersInvalid):
        records.seal_many(profile, [("kat_form", GOOD), ("kat_form", {"people": 1})])
    assert len(records.list_records(profile)) == 50
    assert records.verify_own_chain(profile).head_seq == 50


def test_delete_draft(profile: Profile) -> None:
    draft = records.create_draft(profile, "kat_form", GOOD)
    records.delete_draft(profile, draft.record_id)
    with pytest.raises(records.UnknownRecord):
        records.get_record(profile, draft.record_id)
    with pytest.raises(records.UnknownRecord):
        records.delete_draft(profile, draft.record_id)


def test_audit_log_has_every_action_without_content(profile: Profile) -> None:
    draft = records.create_draft(profile, "kat_form", {"summary": "secret words"})
    records.update_draft(profile, draft.record_id, GOOD)
    sealed = records.seal(profile, draft.record_id)
    records.amend(profile, sealed.id, {**GOOD, "people": 4})
    other = records.create_draft(profile, "kat_form", {})
    records.delete_draft(profile, other.record_id)
    assert _actions(profile)[-6:] == ["create", "edit", "seal", "amend", "create", "delete"]
    assert audit.verify(profile.store) == len(audit.entries(profile.store))
    dump = json.dumps([e.details for e in audit.entries(profile.store)], ensure_ascii=False)
    assert "secret" not in dump and "Daw Hla" not in dump and "ရွာ" not in dump


def test_amendments_and_history(profile: Profile) -> None:
    original = records.seal_new(profile, "kat_form", GOOD)
    fix = records.amend(profile, original.id, {**GOOD, "people": 5})
    assert fix.supersedes == original.id and fix.seq == 2
    with pytest.raises(records.RecordError):
        records.amend(profile, original.id, GOOD)  # amend the newest version instead
    fix2 = records.amend(profile, fix.id, {**GOOD, "people": 6})
    for rid in (original.id, fix.id, fix2.id):
        assert [r.id for r in records.history(profile, rid)] == [original.id, fix.id, fix2.id]
    assert records.get_record(profile, original.id).superseded_by == fix.id
    assert records.get_record(profile, original.id).answers == {**GOOD, "people": 3}
    draft = records.create_draft(profile, "kat_form", GOOD)
    with pytest.raises(records.RecordError):
        records.amend(profile, draft.record_id, GOOD)
    with pytest.raises(records.AnswersInvalid):
        records.amend(profile, fix2.id, {"people": 1})


def test_amendment_draft_can_take_attachments(profile: Profile) -> None:
    original = records.seal_new(profile, "kat_form", GOOD)
    draft = records.start_amendment(profile, original.id, {**GOOD, "people": 7})
    add_attachment(profile.store, draft.record_id, io.BytesIO(b"photo bytes"), "p.jpg")
    sealed = records.seal(profile, draft.record_id)
    assert sealed.supersedes == original.id and len(sealed.attachments) == 1
    assert _actions(profile)[-1] == "amend"


def test_sealed_record_covers_its_attachments(profile: Profile) -> None:
    draft = records.create_draft(profile, "kat_form", GOOD)
    add_attachment(profile.store, draft.record_id, io.BytesIO(b"b" * 5000), "b.txt", "text/plain")
    add_attachment(profile.store, draft.record_id, io.BytesIO(b"a" * 10), "a.jpg")
    sealed = records.seal(profile, draft.record_id)
    body = json.loads(sealed.canonical)
    assert {(a["name"], a["size"], a["mime"]) for a in body["attachments"]} == {
        ("a.jpg", 10, "image/jpeg"), ("b.txt", 5000, "text/plain")}
    assert {a["name"] for a in body["attachments"]} == {"a.jpg", "b.txt"}
    assert [a["sha256"] for a in body["attachments"]] == sorted(
        a["sha256"] for a in body["attachments"])
    with pytest.raises(AttachmentRefused):
        add_attachment(profile.store, sealed.id, io.BytesIO(b"late"), "late.txt")
    assert len(records.get_record(profile, sealed.id).attachments) == 2


def test_deleting_a_draft_drops_its_attachments(profile: Profile) -> None:
    draft = records.create_draft(profile, "kat_form", GOOD)
    add_attachment(profile.store, draft.record_id, io.BytesIO(b"only here"), "x.bin")
    records.delete_draft(profile, draft.record_id)
    assert profile.store.query_one("SELECT count(*) FROM attachments") == (0,)


def test_search_index_follows_the_lifecycle(profile: Profile) -> None:
    draft = records.create_draft(profile, "kat_form", {"summary": "burned granary"})
    assert [h.record_id for h in search(profile.store, "granary")] == [draft.record_id]
    records.update_draft(profile, draft.record_id, GOOD)
    assert search(profile.store, "granary") == []
    sealed = records.seal(profile, draft.record_id)
    assert [h.record_id for h in search(profile.store, "ရွာသစ်")] == [sealed.id]
    assert [h.record_id for h in search(profile.store, "Test incident")] == [sealed.id]
    # Sensitive fields stay out of the index unless the setting says otherwise.
    assert search(profile.store, "Daw Hla") == []
    profile.update_settings(search_sensitive=True)
    other = records.seal_new(profile, "kat_form", GOOD)
    assert [h.record_id for h in search(profile.store, "Daw Hla")] == [other.id]
    doomed = records.create_draft(profile, "kat_form", {"summary": "zebra crossing"})
    records.delete_draft(profile, doomed.record_id)
    assert search(profile.store, "zebra") == []


def test_list_records_filters_and_pages(profile: Profile) -> None:
    sealed = [records.seal_new(profile, "kat_form", GOOD) for _ in range(3)]
    draft = records.create_draft(profile, "kat_form", {})
    assert [r.id for r in records.list_records(profile, status="draft")] == [draft.record_id]
    assert {r.id for r in records.list_records(profile, status="sealed")} == {
        s.id for s in sealed}
    assert len(records.list_records(profile, limit=2)) == 2
    assert len(records.list_records(profile, limit=2, offset=3)) == 1
    assert records.list_records(profile, form_id="other") == []
    with pytest.raises(records.RecordError):
        records.list_records(profile, status="bogus")


@pytest.mark.parametrize("form_id", ["incident", "testimony", "defector_debrief",
                                     "displacement"])
def test_library_examples_seal(profile: Profile, form_id: str) -> None:
    sealed = records.seal_new(profile, form_id, library_example(form_id))
    assert records.get_record(profile, sealed.id).status == "sealed"
    assert records.verify_own_chain(profile).ok


@pytest.mark.parametrize(
    "answers", [{"summary": float("nan")}, {"summary": object()}, {1: "x"}, ["not", "a", "map"]]
)
def test_answers_must_be_plain_json(profile: Profile, answers: Any) -> None:
    with pytest.raises(records.RecordError):
        records.create_draft(profile, "kat_form", answers)


def test_answers_are_size_limited(profile: Profile) -> None:
    with pytest.raises(records.RecordError):
        records.create_draft(profile, "kat_form",
                             {"summary": "x" * (records.MAX_ANSWERS_BYTES + 1)})


def test_unknown_form_is_refused(profile: Profile) -> None:
    with pytest.raises(Exception, match="no form"):
        records.create_draft(profile, "no_such_form", {})


def test_migration_from_version_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    with Store.create(tmp_path / "h", "passphrase1", params=TESTING) as store:
        assert store.user_version == 1
    monkeypatch.undo()
    with Store.open(tmp_path / "h", "passphrase1", params=TESTING) as store:
        assert store.user_version == len(migrations.MIGRATIONS)
        cols = [r[1] for r in store.query("PRAGMA table_info(records)")]
        assert cols[:8] == ["id", "form_id", "form_version", "author", "created_at",
                            "updated_at", "status", "answers"]
        assert "canonical" in cols and "delivered_at" in cols

"""A sealed row keeps its answers once: the canonical column holds the envelope, and
every reader rebuilds the exact signed bytes; edits to either column are caught."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldkit import records
from fieldkit.chain import (
    EditedRecord,
    RecordInvalid,
    check_chain,
    signed_bytes,
    stored_envelope,
    verify_record,
)
from fieldkit.exchange import export_bundle, import_bundle
from fieldkit.exchange.export import DamagedRecord, _record_entry
from fieldkit.exchange.wire import envelope_bytes
from fieldkit.profile import Profile
from tests.fieldkit.test_exchange_support import Pair, answers, make_pair, seal

ANSWERS_MEMBER = b'{"answers":'


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    p = make_pair(tmp_path)
    yield p
    p.close()


def _row(profile: Profile, record_id: str) -> tuple[Any, ...]:
    row = profile.store.query_one(
        "SELECT answers, canonical, hash, signature FROM records WHERE id = ?", (record_id,))
    assert row is not None
    return row


def _underneath(profile: Profile, sql: str, args: tuple[Any, ...]) -> None:
    with profile.store.transaction() as conn:
        conn.execute(sql, args)


def _problems(profile: Profile) -> list[tuple[type[Exception], str | None]]:
    return [(type(p), p.record_id) for p in records.verify_own_chain(profile).problems]


def _no_bundle(profile: Profile, usb: Path) -> None:
    usb.mkdir(exist_ok=True)
    with pytest.raises(DamagedRecord) as caught:
        export_bundle(profile, usb, everything=True)
    assert caught.value.hint
    assert list(usb.iterdir()) == []


def _to_old_format(profile: Profile, sealed: records.SealedRecord) -> None:
    """Rewrite a row as versions before this one stored it: the whole signed bytes."""
    _underneath(profile, "UPDATE records SET canonical = ? WHERE id = ?",
                (sealed.canonical, sealed.id))


# -- the stored form ---------------------------------------------------------------------


def test_every_way_of_sealing_stores_the_envelope_only(pair: Pair) -> None:
    field = pair.field
    made = [
        records.seal_new(field, "kat_form", answers(1)),
        *records.seal_many(field, [("kat_form", answers(n)) for n in (2, 3)]),
        seal(field, 4, files=[b"photo bytes"]),  # a draft sealed, with an attachment
    ]
    made.append(records.amend(field, made[0].id, answers(5)))
    for sealed in made:
        text, stored, digest, _ = _row(field, sealed.id)
        stored = bytes(stored)
        assert not stored.startswith(ANSWERS_MEMBER)
        assert text.encode("utf-8") not in stored  # the answers are kept once
        assert signed_bytes(text, stored) == sealed.canonical
        assert stored == stored_envelope(sealed.canonical, text.encode("utf-8"))
        assert json.loads(stored)["id"] == sealed.id
        assert bytes(digest) == sealed.hash
    assert records.verify_own_chain(field).ok


def test_imported_rows_store_the_envelope_and_verify(pair: Pair, tmp_path: Path) -> None:
    made = records.seal_many(pair.field, [("kat_form", answers(n)) for n in range(1, 4)])
    result = export_bundle(pair.field, tmp_path)
    assert result is not None
    with open(result.path, "rb") as src:
        import_bundle(pair.coord, src)
    for sealed in made:
        text, stored, _, _ = _row(pair.coord, sealed.id)
        assert not bytes(stored).startswith(ANSWERS_MEMBER)
        assert signed_bytes(text, bytes(stored)) == sealed.canonical
    report = check_chain(pair.coord.store, pair.field.identity.public)
    assert report.ok and report.count == 3


def test_the_rows_are_smaller(pair: Pair) -> None:
    long = {"summary": "village burned " * 200, "people": 1}
    sealed = records.seal_new(pair.field, "kat_form", long)
    text, stored, _, _ = _row(pair.field, sealed.id)
    assert len(bytes(stored)) < 600 < len(text)
    assert len(text.encode()) + len(bytes(stored)) < len(sealed.canonical) + 100


# -- signed_bytes on its own ----------------------------------------------------------


def test_signed_bytes_accepts_both_forms_and_refuses_missing_parts(pair: Pair) -> None:
    sealed = records.seal_new(pair.field, "kat_form", answers(1))
    text, stored, _, _ = _row(pair.field, sealed.id)
    assert signed_bytes(text, stored) == sealed.canonical
    assert signed_bytes(text.encode(), bytes(stored)) == sealed.canonical
    # The old full form is taken as it is, whatever the answers column says.
    assert signed_bytes(None, sealed.canonical) == sealed.canonical
    assert signed_bytes('{"other":1}', sealed.canonical) == sealed.canonical
    for answers_text, envelope in ((None, stored), (text, None), ("\ud800", stored)):
        with pytest.raises(RecordInvalid):
            signed_bytes(answers_text, envelope)
    with pytest.raises(RecordInvalid):
        stored_envelope(sealed.canonical, b'{"people":2}')


# -- tampering with new rows ----------------------------------------------------------


def test_edited_answers_column_alone(pair: Pair, tmp_path: Path) -> None:
    made = records.seal_many(pair.field, [("kat_form", answers(n)) for n in range(1, 4)])
    text = _row(pair.field, made[1].id)[0]
    _underneath(pair.field, "UPDATE records SET answers = ? WHERE id = ?",
                (text.replace('"people":2', '"people":9'), made[1].id))
    assert _problems(pair.field) == [(EditedRecord, made[1].id)]
    _no_bundle(pair.field, tmp_path / "usb")


def test_answers_column_reformatted_but_equal(pair: Pair, tmp_path: Path) -> None:
    """Same JSON, other bytes: no longer the signed bytes, so it is an edit too."""
    sealed = records.seal_new(pair.field, "kat_form", answers(1))
    text = _row(pair.field, sealed.id)[0]
    _underneath(pair.field, "UPDATE records SET answers = ? WHERE id = ?",
                (json.dumps(json.loads(text), indent=1), sealed.id))
    assert _problems(pair.field) == [(EditedRecord, sealed.id)]
    _no_bundle(pair.field, tmp_path / "usb")


def test_edited_envelope_alone(pair: Pair, tmp_path: Path) -> None:
    made = records.seal_many(pair.field, [("kat_form", answers(n)) for n in range(1, 4)])
    stored = bytes(_row(pair.field, made[2].id)[1])
    forged = stored.replace(b'"form_version":1', b'"form_version":2')
    assert forged != stored
    _underneath(pair.field, "UPDATE records SET canonical = ? WHERE id = ?",
                (forged, made[2].id))
    assert _problems(pair.field) == [(EditedRecord, made[2].id)]
    _no_bundle(pair.field, tmp_path / "usb")


def test_envelope_removed(pair: Pair, tmp_path: Path) -> None:
    sealed = records.seal_new(pair.field, "kat_form", answers(1))
    _underneath(pair.field, "UPDATE records SET canonical = NULL WHERE id = ?", (sealed.id,))
    assert _problems(pair.field) == [(EditedRecord, sealed.id)]
    _no_bundle(pair.field, tmp_path / "usb")


def test_bytes_moved_between_the_columns(pair: Pair) -> None:
    """The joined bytes still match the signature, but the answers column is no longer
    the record's answers: the chain check compares it with the signed answers."""
    sealed = records.seal_new(pair.field, "kat_form", answers(1))
    text, stored, _, _ = _row(pair.field, sealed.id)
    stored = bytes(stored)
    cut = stored.index(b",", 1) + 1  # the envelope's first member moves to the answers
    moved_text = text + "," + stored[1:cut - 1].decode()
    moved_stored = b"{" + stored[cut:]
    assert signed_bytes(moved_text, moved_stored) == sealed.canonical
    _underneath(pair.field, "UPDATE records SET answers = ?, canonical = ? WHERE id = ?",
                (moved_text, moved_stored, sealed.id))
    assert _problems(pair.field) == [(EditedRecord, sealed.id)]


def test_purged_rows_keep_neither_column(pair: Pair) -> None:
    made = records.seal_many(pair.field, [("kat_form", answers(n)) for n in range(1, 3)])
    _underneath(pair.field, "UPDATE records SET status = 'purged', answers = NULL,"
                " canonical = NULL WHERE id = ?", (made[0].id,))
    assert records.verify_own_chain(pair.field).ok


# -- rows written by earlier versions ----------------------------------------------------


def test_old_format_rows_verify_and_export_byte_identically(pair: Pair, tmp_path: Path) -> None:
    made = records.seal_many(pair.field, [("kat_form", answers(n)) for n in range(1, 4)])
    before = [_record_entry(pair.field.store, r.id) for r in made]
    for sealed in made[:2]:  # a store holding both forms, as after an upgrade
        _to_old_format(pair.field, sealed)
    assert records.verify_own_chain(pair.field).ok
    assert [_record_entry(pair.field.store, r.id) for r in made] == before
    for sealed, entry in zip(made, before, strict=True):
        assert entry == envelope_bytes(sealed.canonical, sealed.hash, sealed.signature)
    result = export_bundle(pair.field, tmp_path)
    assert result is not None and result.records == 3
    with open(result.path, "rb") as src:
        import_bundle(pair.coord, src)
    assert check_chain(pair.coord.store, pair.field.identity.public).ok
    me = pair.field.identity.public
    for sealed in made:
        text, stored, digest, signature = _row(pair.coord, sealed.id)
        assert verify_record(signed_bytes(text, stored), digest, signature, me).id == sealed.id


def test_old_format_row_with_edited_answers_column(pair: Pair, tmp_path: Path) -> None:
    made = records.seal_many(pair.field, [("kat_form", answers(n)) for n in range(1, 3)])
    _to_old_format(pair.field, made[0])
    entry = _record_entry(pair.field.store, made[0].id)
    _underneath(pair.field, "UPDATE records SET answers = ? WHERE id = ?",
                (json.dumps(answers(40)), made[0].id))
    assert _problems(pair.field) == [(EditedRecord, made[0].id)]
    # As before: the signed bytes are whole, so what leaves the device is the sealed record.
    assert _record_entry(pair.field.store, made[0].id) == entry


def test_old_format_row_with_edited_canonical_bytes(pair: Pair, tmp_path: Path) -> None:
    made = records.seal_many(pair.field, [("kat_form", answers(n)) for n in range(1, 3)])
    forged = made[1].canonical.replace(b'"people":2', b'"people":9')
    _underneath(pair.field, "UPDATE records SET canonical = ? WHERE id = ?",
                (forged, made[1].id))
    assert _problems(pair.field) == [(EditedRecord, made[1].id)]
    _no_bundle(pair.field, tmp_path / "usb")


def test_damaged_record_refuses_the_export_before_any_file(pair: Pair, tmp_path: Path) -> None:
    """Bundle entries are read again while the bundle is written; the plan's check
    comes first, so no partial file is left either way."""
    made = records.seal_many(pair.field, [("kat_form", answers(n)) for n in range(1, 3)])
    usb = tmp_path / "usb"
    usb.mkdir()
    _underneath(pair.field, "UPDATE records SET answers = '{}' WHERE id = ?", (made[1].id,))
    with pytest.raises(DamagedRecord):
        export_bundle(pair.field, usb)
    assert list(usb.iterdir()) == []
    # Nothing was counted as sent.
    assert pair.field.store.query_one("SELECT count(*) FROM exports") == (0,)

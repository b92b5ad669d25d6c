"""Import hands verified records to a background writer in chunks; a conflict found in
any chunk still refuses the whole bundle and leaves nothing behind."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from fieldkit import records
from fieldkit.exchange import export_bundle, import_bundle
from fieldkit.exchange.errors import ForkRefused
from fieldkit.formstore import install_form
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from forms import load_form_file

FORM = Path(__file__).resolve().parents[1] / "data" / "records" / "kat-form.yaml"
TABLES = ("records", "record_facets", "record_text", "audit_log", "imports")


def _pair(tmp: Path) -> tuple[Profile, Profile]:
    field = Profile.create(tmp / "f", "passphrase", name="F", role="fieldworker",
                           params=TESTING)
    coord = Profile.create(tmp / "c", "passphrase", name="C", role="coordinator",
                           params=TESTING)
    field.trust(coord.card_text(), coord.fingerprint)
    coord.trust(field.card_text(), field.fingerprint)
    for p in (field, coord):
        install_form(p.store, load_form_file(FORM))
    return field, coord


def _counts(profile: Profile) -> tuple[int, ...]:
    return tuple(
        int(profile.store.query_one(f"SELECT count(*) FROM {t}")[0])  # type: ignore[index]
        for t in TABLES
    )


@pytest.mark.parametrize("at", [0, 100, 149])
def test_a_conflict_in_any_chunk_refuses_everything(tmp_path: Path, at: int) -> None:
    field, coord = _pair(tmp_path)
    sealed = records.seal_many(field, [
        ("kat_form", {"summary": f"case {i} with enough text", "people": i, "acts": ["arson"]})
        for i in range(150)
    ])
    usb = tmp_path / "usb"
    usb.mkdir()
    exported = export_bundle(field, usb)
    assert exported is not None
    # Another record already stored here under the id of one of the bundle's records.
    with coord.store.transaction() as conn:
        conn.execute(
            "INSERT INTO records (id, form_id, form_version, author, created_at, updated_at,"
            " status, answers, origin) VALUES (?, 'kat_form', 1, 'x', 't', 't', 'draft', '{}',"
            " 'local')",
            (sealed[at].id,),
        )
    before = _counts(coord)
    with open(exported.path, "rb") as src, pytest.raises(ForkRefused, match=sealed[at].id):
        import_bundle(coord, src)
    assert _counts(coord) == before
    assert not any(t.name == "fieldkit-import-writer" for t in threading.enumerate())
    # Without the conflicting row the same bundle imports whole.
    with coord.store.transaction() as conn:
        conn.execute("DELETE FROM records WHERE id = ?", (sealed[at].id,))
    with open(exported.path, "rb") as src:
        result = import_bundle(coord, src)
    assert (result.records, result.duplicates) == (150, 0)
    field.close()
    coord.close()

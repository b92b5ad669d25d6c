"""Shared helpers for the exchange tests: a fieldworker and a coordinator that trust each other.

Imported by the other exchange test files (``tests.fieldkit.test_exchange_support``);
it holds one smoke test of its own so that it is not an empty test module.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldkit import records
from fieldkit.attachments import add_attachment
from fieldkit.formstore import install_form
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
from forms import load_form_file

DATA = Path(__file__).parents[1] / "data" / "records"
PASSPHRASE = "exchange test passphrase"


@dataclass
class Pair:
    """Two profiles in temporary homes, each trusting the other's card."""

    field: Profile
    coord: Profile
    tmp: Path

    def close(self) -> None:
        self.field.close()
        self.coord.close()


def make_profile(home: Path, name: str, role: str) -> Profile:
    return Profile.create(home, PASSPHRASE, name=name, role=role, params=TESTING)


def introduce(a: Profile, b: Profile) -> None:
    """Each trusts the other, checking the fingerprint as read aloud."""
    a.trust(b.card_text(), b.fingerprint)
    b.trust(a.card_text(), a.fingerprint)


def make_pair(tmp: Path, *, field_role: str = "fieldworker") -> Pair:
    field = make_profile(tmp / "field", "Field Worker", field_role)
    coord = make_profile(tmp / "coord", "Coordinator", "coordinator")
    introduce(field, coord)
    install_form(field.store, load_form_file(DATA / "kat-form.yaml"))
    return Pair(field, coord, tmp)


def answers(n: int, text: str = "village burned") -> dict[str, Any]:
    return {"summary": f"{text} {n}", "people": n}


def seal(profile: Profile, n: int, *, files: list[bytes] | None = None) -> records.SealedRecord:
    """Seal record number ``n`` (with attachments when ``files`` are given)."""
    if not files:
        return records.seal_new(profile, "kat_form", answers(n))
    draft = records.create_draft(profile, "kat_form", answers(n))
    for i, data in enumerate(files):
        add_attachment(profile.store, draft.record_id, io.BytesIO(data), f"photo{i}.jpg",
                       clock=profile.clock)
    return records.seal(profile, draft.record_id)


def dump(profile: Profile) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: the store's content, byte for byte."""
    store = profile.store
    tables = [
        str(r[0]) for r in store.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in tables:
        rows = store.query(f'SELECT * FROM "{table}"')
        out[table] = sorted(rows, key=repr)
    out["user_version"] = [(store.user_version,)]
    return out


def test_pair_trusts_each_other(tmp_path: Path) -> None:
    pair = make_pair(tmp_path)
    try:
        assert pair.coord.peer(pair.field.fingerprint) is not None
        assert pair.field.peer(pair.coord.fingerprint) is not None
        assert "records" in dump(pair.coord)
    finally:
        pair.close()

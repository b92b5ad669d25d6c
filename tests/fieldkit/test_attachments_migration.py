"""Migrations 3 (attachments) and 4 (search) applied to a store left at the previous version."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fieldkit import migrations
from fieldkit.attachments import add_attachment, attachments_of
from fieldkit.kdf import TESTING
from fieldkit.schema_attachments import migrate_v3_attachments
from fieldkit.schema_search import migrate_v4_search
from fieldkit.search import index_record, search
from fieldkit.store import Store

PASS = "migration test passphrase"


def tables(store: Store) -> set[str]:
    return {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")}


@pytest.mark.parametrize("start", [2, 3])
def test_upgrade_keeps_records_and_adds_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start: int
) -> None:
    full = list(migrations.MIGRATIONS)
    assert full[2] is migrate_v3_attachments and full[3] is migrate_v4_search
    monkeypatch.setattr(migrations, "MIGRATIONS", full[:start])
    with Store.create(tmp_path / "home", PASS, params=TESTING) as old:
        assert old.user_version == start
        with old.transaction() as conn:
            conn.execute(
                "INSERT INTO records (id, form_id, form_version, author, created_at,"
                " updated_at, status, answers) VALUES ('r1', 'incident', 1, '1', 't', 't',"
                " 'draft', '{}')"
            )
    monkeypatch.setattr(migrations, "MIGRATIONS", full)
    with Store.open(tmp_path / "home", PASS, params=TESTING) as store:
        assert store.user_version == len(full)
        assert {"attachment_blobs", "attachment_chunks", "attachments", "record_facets",
                "record_text"} <= tables(store)
        assert store.query("SELECT id FROM records") == [("r1",)]
        ref = add_attachment(store, "r1", io.BytesIO(b"after upgrade"), "a.txt")
        assert attachments_of(store, "r1") == [ref]
        with store.transaction() as conn:
            index_record(conn, "r1", "upgraded store text")
        assert [h.record_id for h in search(store, "upgraded")] == ["r1"]
        assert store.integrity_check() == "ok"


def test_migrations_are_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing migration 4 leaves the store at version 3 with nothing of 4 in it."""
    full = list(migrations.MIGRATIONS)
    monkeypatch.setattr(migrations, "MIGRATIONS", full[:3])
    Store.create(tmp_path / "home", PASS, params=TESTING).close()

    def broken(conn: object) -> None:
        migrate_v4_search(conn)
        raise RuntimeError("power cut")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*full[:3], broken])
    with pytest.raises(RuntimeError):
        Store.open(tmp_path / "home", PASS, params=TESTING)
    monkeypatch.setattr(migrations, "MIGRATIONS", full[:3])
    with Store.open(tmp_path / "home", PASS, params=TESTING) as store:
        assert store.user_version == 3
        assert "record_facets" not in tables(store)

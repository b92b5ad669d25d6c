"""End to end through the CLI, in temporary homes: fieldworker and coordinator meet, records
with attachments travel, the coordinator verifies them, sends a receipt, the fieldworker
purges and its chain still verifies."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fieldkit import records
from fieldkit.attachments import attachments_of, open_attachment
from fieldkit.chain import verify_chain
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile

DATA = Path(__file__).parents[1] / "data" / "records"
PASSPHRASE = "correct horse battery staple"


def fingerprint_of(out: str) -> str:
    match = re.search(r"Fingerprint:\s*([0-9 ]{35})", out)
    assert match, out
    return match.group(1)


def test_fieldworker_to_coordinator_and_back(make_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    field, coord = make_cli("field"), make_cli("coord")
    assert field("init", "--role", "fieldworker", "--name", "Naw Eh").code == 0
    assert coord("init", "--role", "coordinator", "--name", "Office").code == 0
    # Exchange cards; each side confirms the other's fingerprint as read aloud.
    cards = tmp_path / "cards"
    cards.mkdir()
    f_card = field("keys", "card", "-o", str(cards / "field.card"))
    c_card = coord("keys", "card", "-o", str(cards / "coord.card"))
    assert coord("keys", "trust", str(cards / "field.card"), "--fingerprint",
                 fingerprint_of(f_card.out)).code == 0
    usb = tmp_path / "usb"
    usb.mkdir()
    refused = field("export", "--to", str(usb))
    assert refused.code == 1 and "keys trust" in refused.err  # no coordinator yet
    assert field("keys", "trust", str(cards / "coord.card"), "--fingerprint",
                 fingerprint_of(c_card.out)).code == 0
    assert field("forms", "install", str(DATA / "kat-form.yaml")).code == 0

    # Two sealed records, the first with two attachments.
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"summary": "ရွာ မီးရှို့ခံရ", "people": 12}), "utf-8")
    draft = field("record", "new", "kat_form", "--answers", str(answers))
    assert draft.code == 0, draft.err
    record_id = draft.out.strip().splitlines()[-1]
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(bytes(range(256)) * 9000)
    note = tmp_path / "note.txt"
    note.write_bytes(b"witness note")
    for f in (photo, note):
        assert field("record", "attach", record_id, str(f)).code == 0
    assert field("record", "seal", record_id).code == 0
    second = field("record", "new", "kat_form", "--answers", str(answers), "--seal")
    assert second.code == 0

    exported = field("export", "--to", str(usb))
    assert exported.code == 0, exported.err
    bundle = Path(exported.out.strip())
    assert bundle.parent == usb and bundle.exists()
    assert field("export", "--to", str(usb)).out.strip() == "Nothing new to export."
    assert sorted(usb.iterdir()) == [bundle]

    back = tmp_path / "back"
    back.mkdir()
    imported = coord("import", str(bundle), "--receipts", str(back))
    assert imported.code == 0, imported.err
    lines = imported.out.strip().splitlines()
    assert lines[0] == (f"{bundle}: accepted 2 records from Naw Eh "
                        f"({fingerprint_of(f_card.out)})")
    receipt = Path(lines[1].split(": ", 1)[1])
    assert receipt.parent == back
    again = coord("import", str(bundle))
    assert (again.code, again.out.strip()) == (0, f"{bundle}: already imported")

    # The coordinator's copies verify and equal the originals.
    with Profile.open(field.home, PASSPHRASE, params=TESTING) as fw, \
            Profile.open(coord.home, PASSPHRASE, params=TESTING) as co:
        verify_chain(co.store, fw.identity.public)
        for summary in records.list_records(fw):
            mine, theirs = (records.get_record(p, summary.id) for p in (fw, co))
            assert (mine.hash, mine.answers, mine.form_id) == (
                theirs.hash, theirs.answers, theirs.form_id)
            assert [(a.sha256, a.name) for a in mine.attachments] == [
                (a.sha256, a.name) for a in theirs.attachments]
        refs = attachments_of(co.store, record_id)
        assert {open_attachment(co.store, r.sha256).read() for r in refs} == {
            photo.read_bytes(), note.read_bytes()}

    applied = field("import", str(receipt))
    assert applied.code == 0, applied.err
    assert "2 records marked delivered" in applied.out
    purged = field("purge", "--delivered")
    assert purged.code == 0 and "Purged 2 delivered records and 2 attachments" in purged.out
    verified = field("record", "verify")
    assert verified.code == 0, verified.out + verified.err
    with Profile.open(field.home, PASSPHRASE, params=TESTING) as fw:
        report = records.verify_own_chain(fw)
        assert report.ok and report.head_seq == 2
        assert {r.status for r in records.list_records(fw)} == {"purged"}
        assert fw.store.query("SELECT count(*) FROM attachment_blobs") == [(0,)]
    assert field("audit", "verify").code == 0
    assert coord("audit", "verify").code == 0


def test_rejected_bundle_exit_status_and_quarantine(make_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    coord = make_cli("coord")
    assert coord("init", "--role", "coordinator", "--name", "Office").code == 0
    junk = tmp_path / "junk.fkb"
    junk.write_bytes(b"age-encryption.org/v1\n-> X25519 nonsense\n")
    missing = tmp_path / "missing.fkb"
    result = coord("import", str(junk))
    assert result.code == 4
    line = result.out.strip()
    assert line.startswith(f"{junk}: rejected: ") and "Kept in quarantine: " in line
    kept = Path(line.split("Kept in quarantine: ")[1])
    assert kept.read_bytes() == junk.read_bytes()
    assert kept.with_suffix(".txt").exists()
    assert "hint:" in result.err
    unreadable = coord("import", str(missing))
    assert unreadable.code == 1 and "cannot be read" in unreadable.out
    fw = make_cli("fw")
    assert fw("init", "--role", "fieldworker", "--name", "F").code == 0
    usage = fw("import", str(junk), "--receipts", str(tmp_path))
    assert usage.code == 2

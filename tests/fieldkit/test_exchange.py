"""Export, import, receipts and purge through the Python API."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest

from fieldkit import audit, records
from fieldkit.attachments import attachments_of, open_attachment
from fieldkit.chain import verify_chain
from fieldkit.exchange import (
    CHECKS,
    ExchangeError,
    ForkRefused,
    NoCoordinator,
    RecordRejected,
    TrainingBundle,
    TrainingProfile,
    UnknownRecipient,
    WrongRole,
    export_bundle,
    import_bundle,
    import_file,
    purge_delivered,
    write_receipts,
)
from fieldkit.search import search
from sync.errors import UntrustedSender
from tests.fieldkit.test_exchange_support import (
    dump,
    introduce,
    make_pair,
    make_profile,
    seal,
)


@pytest.fixture
def pair(tmp_path: Path):  # type: ignore[no-untyped-def]
    p = make_pair(tmp_path)
    yield p
    p.close()


def out_dir(pair, name: str = "usb") -> Path:  # type: ignore[no-untyped-def]
    d = pair.tmp / name
    d.mkdir(exist_ok=True)
    return d


def test_export_import_round_trip_with_attachments(pair) -> None:  # type: ignore[no-untyped-def]
    photo = b"\xff\xd8" + bytes(range(256)) * 5000  # > 1 MiB: several chunks
    first = seal(pair.field, 1, files=[photo, b"second file"])
    second = seal(pair.field, 2)
    result = export_bundle(pair.field, out_dir(pair))
    assert result is not None and result.records == 2 and result.attachments == 2
    assert result.path.parent == out_dir(pair) and result.path.suffix == ".fkb"
    assert [p.name for p in out_dir(pair).iterdir()] == [result.path.name]

    outcome = import_file(pair.coord, result.path)
    assert outcome.result is not None, outcome.error
    assert outcome.result.records == 2 and outcome.result.attachments == 2
    assert outcome.result.gaps == ()
    # The coordinator's copies verify and equal the originals.
    verify_chain(pair.coord.store, pair.field.identity.public)
    for original in (first, second):
        copy = records.get_record(pair.coord, original.id)
        assert copy.hash == original.hash and copy.answers == original.answers
        assert copy.origin == outcome.result.bundle_id and copy.author == original.author
    got = open_attachment(pair.coord.store, hashlib.sha256(photo).hexdigest()).read()
    assert got == photo
    names = sorted(a.name for a in attachments_of(pair.coord.store, first.id))
    assert names == ["photo0.jpg", "photo1.jpg"]
    assert [h.record_id for h in search(pair.coord.store, "burned 2")] == [second.id]
    assert audit.verify(pair.coord.store) > 0


def test_incremental_nothing_new_and_all(pair) -> None:  # type: ignore[no-untyped-def]
    seal(pair.field, 1)
    assert export_bundle(pair.field, out_dir(pair)) is not None
    before = sorted(out_dir(pair).iterdir())
    assert export_bundle(pair.field, out_dir(pair)) is None  # nothing new: nothing written
    assert sorted(out_dir(pair).iterdir()) == before
    seal(pair.field, 2)
    nxt = export_bundle(pair.field, out_dir(pair))
    assert nxt is not None and (nxt.first_seq, nxt.last_seq, nxt.records) == (2, 2, 1)
    again = export_bundle(pair.field, out_dir(pair), everything=True)
    assert again is not None and again.records == 2


def test_reimport_is_a_no_op(pair) -> None:  # type: ignore[no-untyped-def]
    seal(pair.field, 1)
    result = export_bundle(pair.field, out_dir(pair))
    assert result is not None
    assert import_file(pair.coord, result.path).result is not None
    before = dump(pair.coord)
    again = import_file(pair.coord, result.path)
    assert again.result is not None and again.result.already
    assert dump(pair.coord) == before


def test_gap_is_reported_then_filled_by_all(pair) -> None:  # type: ignore[no-untyped-def]
    seal(pair.field, 1)
    lost = export_bundle(pair.field, out_dir(pair, "lost"))  # never reaches the coordinator
    assert lost is not None
    for n in (2, 3):
        seal(pair.field, n)
    later = export_bundle(pair.field, out_dir(pair))
    assert later is not None and later.first_seq == 2
    outcome = import_file(pair.coord, later.path)
    assert outcome.result is not None and outcome.result.gaps == ((1, 1),)
    full = export_bundle(pair.field, out_dir(pair), everything=True)
    assert full is not None
    filled = import_file(pair.coord, full.path)
    assert filled.result is not None
    assert (filled.result.records, filled.result.duplicates, filled.result.gaps) == (1, 2, ())
    verify_chain(pair.coord.store, pair.field.identity.public)


def test_fork_is_refused(pair, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seal(pair.field, 1)
    first = export_bundle(pair.field, out_dir(pair))
    assert first is not None and import_file(pair.coord, first.path).result is not None
    # A clone of the fieldworker's device seals a different record number 2 ...
    twin_home = tmp_path / "twin"
    import shutil

    pair.field.store.query("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copytree(pair.field.store.paths.home, twin_home)
    from fieldkit.kdf import TESTING
    from fieldkit.profile import Profile
    from tests.fieldkit.test_exchange_support import PASSPHRASE

    with Profile.open(twin_home, PASSPHRASE, params=TESTING) as twin:
        seal(twin, 99)
        forked = export_bundle(twin, out_dir(pair, "twin"))
    seal(pair.field, 2)
    honest = export_bundle(pair.field, out_dir(pair))
    assert forked is not None and honest is not None
    assert import_file(pair.coord, honest.path).result is not None
    before = dump(pair.coord)
    outcome = import_file(pair.coord, forked.path)
    assert isinstance(outcome.error, ForkRefused)
    assert "place 2" in outcome.error.message
    assert dump(pair.coord) == before


def test_export_refusals(tmp_path: Path) -> None:
    lonely = make_profile(tmp_path / "lonely", "Alone", "fieldworker")
    trainee = make_profile(tmp_path / "trainee", "Trainee", "training")
    coord = make_profile(tmp_path / "coord", "Coord", "coordinator")
    other_fw = make_profile(tmp_path / "fw2", "Other", "fieldworker")
    try:
        (tmp_path / "usb").mkdir()
        with pytest.raises(NoCoordinator) as err:
            export_bundle(lonely, tmp_path / "usb")
        assert err.value.hint and "keys trust" in err.value.hint
        introduce(trainee, coord)
        with pytest.raises(TrainingProfile):
            export_bundle(trainee, tmp_path / "usb")
        introduce(lonely, other_fw)
        with pytest.raises(UnknownRecipient):
            export_bundle(lonely, tmp_path / "usb", recipients=[other_fw.fingerprint])
        assert list((tmp_path / "usb").iterdir()) == []
    finally:
        for p in (lonely, trainee, coord, other_fw):
            p.close()


def test_training_bundle_and_wrong_role_refused(tmp_path: Path) -> None:
    from fieldkit.formstore import install_form
    from forms import load_form_file
    from tests.fieldkit.test_exchange_support import DATA

    pair = make_pair(tmp_path / "a")
    try:
        seal(pair.field, 1)
        bundle = export_bundle(pair.field, out_dir(pair))
        assert bundle is not None
        # A fieldworker does not import records bundles.
        other = make_profile(tmp_path / "fw2", "Other", "fieldworker")
        introduce(other, pair.field)
        with pytest.raises(Exception) as err:
            with open(bundle.path, "rb") as src:
                import_bundle(other, src)
        assert type(err.value).__name__ == "NotForThisDevice"
        other.close()
    finally:
        pair.close()
    # A training sender: the coordinator trusts its card, but never its data.
    coord = make_profile(tmp_path / "c", "Coord", "coordinator")
    trainee = make_profile(tmp_path / "t", "Trainee", "training")
    try:
        introduce(coord, trainee)
        install_form(trainee.store, load_form_file(DATA / "kat-form.yaml"))
        seal(trainee, 1)
        # Export refuses from a training profile, so make the bundle by hand.
        from fieldkit.exchange.export import _plan
        from sync.bundle import write_bundle_file
        from sync.manifest import ChainRange

        entries, *_ = _plan(trainee, 0)
        (tmp_path / "out").mkdir()
        path = write_bundle_file(
            tmp_path / "out", rand=__import__("os").urandom, sender=trainee.identity,
            sender_role="training", recipients=[coord.identity.public], kind="records",
            chain=ChainRange(author=trainee.identity.public.fingerprint_digits, first_seq=1,
                             last_seq=1, prev=None),
            entries=entries,
        ).path
        before = dump(coord)
        outcome = import_file(coord, path)
        assert isinstance(outcome.error, TrainingBundle)
        assert dump(coord) == before
    finally:
        coord.close()
        trainee.close()
    assert WrongRole  # exercised through the CLI tests


def test_untrusted_sender_is_quarantined_with_report(pair, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stranger = make_profile(tmp_path / "stranger", "Stranger", "fieldworker")
    try:
        stranger.trust(pair.coord.card_text(), pair.coord.fingerprint)
        from fieldkit.formstore import install_form
        from forms import load_form_file
        from tests.fieldkit.test_exchange_support import DATA

        install_form(stranger.store, load_form_file(DATA / "kat-form.yaml"))
        seal(stranger, 1)
        bundle = export_bundle(stranger, out_dir(pair))
        assert bundle is not None
    finally:
        stranger.close()
    before = dump(pair.coord)
    outcome = import_file(pair.coord, bundle.path)
    assert isinstance(outcome.error, UntrustedSender)
    assert dump(pair.coord) == before
    assert outcome.quarantined is not None
    assert outcome.quarantined.parent == pair.coord.store.paths.quarantine
    assert outcome.quarantined.read_bytes() == bundle.path.read_bytes()
    assert outcome.quarantined.stat().st_mode & 0o777 == 0o600
    report = outcome.quarantined.with_suffix(".txt").read_text(encoding="utf-8")
    assert "Nothing from it was stored" in report
    assert CHECKS[1] in report.split("Checks not reached")[0]  # manifest was read
    assert CHECKS[2] in report.split("Checks not reached")[1]  # signature was not
    assert "burned" not in report and bundle.path.name not in report


def test_receipt_and_purge_keep_chain(pair) -> None:  # type: ignore[no-untyped-def]
    photo = b"photo bytes" * 1000
    one = seal(pair.field, 1, files=[photo])
    two = seal(pair.field, 2)
    bundle = export_bundle(pair.field, out_dir(pair))
    assert bundle is not None and import_file(pair.coord, bundle.path).result is not None
    three = seal(pair.field, 3)  # sealed after the export: not delivered
    receipts = write_receipts(pair.coord, out_dir(pair, "back"))
    assert len(receipts) == 1 and receipts[0].records == 2
    assert write_receipts(pair.coord, out_dir(pair, "back")) == []  # nothing new
    applied = import_file(pair.field, receipts[0].path)
    assert applied.result is not None and applied.result.records == 2
    assert records.get_record(pair.field, one.id).delivered_at is not None
    assert records.get_record(pair.field, three.id).delivered_at is None

    purged = purge_delivered(pair.field)
    assert (purged.records, purged.attachments) == (2, 1)
    for rid in (one.id, two.id):
        tomb = records.get_record(pair.field, rid)
        assert tomb.status == "purged" and tomb.answers is None and tomb.attachments == ()
    assert records.get_record(pair.field, three.id).answers is not None
    assert search(pair.field.store, "burned 1") == []
    assert pair.field.store.query("SELECT count(*) FROM attachment_blobs") == [(0,)]
    report = records.verify_own_chain(pair.field)
    assert report.ok and report.head_seq == 3
    assert purge_delivered(pair.field).records == 0
    # Later exports carry on from the chain: record 3 still goes out.
    nxt = export_bundle(pair.field, out_dir(pair))
    assert nxt is not None and nxt.records == 1
    assert import_file(pair.coord, nxt.path).result is not None
    verify_chain(pair.coord.store, pair.field.identity.public)


def test_two_coordinators_one_bundle(tmp_path: Path) -> None:
    pair = make_pair(tmp_path)
    second = make_profile(tmp_path / "coord2", "Second", "coordinator")
    try:
        introduce(pair.field, second)
        seal(pair.field, 1)
        bundle = export_bundle(pair.field, out_dir(pair))
        assert bundle is not None and len(bundle.recipients) == 2
        for coord in (pair.coord, second):
            outcome = import_file(coord, bundle.path)
            assert outcome.result is not None and outcome.result.records == 1
        # An export to one of them only is incremental for that one.
        seal(pair.field, 2)
        only = export_bundle(pair.field, out_dir(pair), recipients=[second.fingerprint])
        assert only is not None and only.recipients == (second.identity.public.fingerprint_digits,)
        with open(only.path, "rb") as src, pytest.raises(Exception) as err:
            import_bundle(pair.coord, src)
        assert type(err.value).__name__ == "NotForThisDevice"
    finally:
        second.close()
        pair.close()


def test_receipt_from_a_fieldworker_is_refused(pair, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert pair.coord.role == "coordinator"
    with pytest.raises(ExchangeError):
        write_receipts(pair.field, out_dir(pair))


def test_import_memory_source_directly(pair) -> None:  # type: ignore[no-untyped-def]
    seal(pair.field, 1)
    bundle = export_bundle(pair.field, out_dir(pair))
    assert bundle is not None
    passed: list[str] = []
    result = import_bundle(pair.coord, io.BytesIO(bundle.path.read_bytes()), passed=passed)
    assert result.records == 1 and passed == list(CHECKS)


def test_envelope_is_canonical_json() -> None:
    from fieldkit.chain import canonical_json
    from fieldkit.exchange.wire import envelope_bytes, parse_envelope

    data = envelope_bytes(b'{"a":1}', bytes(range(32)), bytes(64))
    body = json.loads(data)
    assert canonical_json(body) == data
    assert parse_envelope(data, "x").canonical == b'{"a":1}'
    with pytest.raises(RecordRejected):
        parse_envelope(data.replace(b'":"', b'": "', 1), "x")

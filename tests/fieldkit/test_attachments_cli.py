"""'fieldkit record attach ID FILE' end to end, including the errors a user can run into."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from forms import library_example
from tests.conftest import CLI


def new_draft(cli: CLI, tmp_path: Path, *, seal: bool = False) -> str:
    assert cli("init", "--role", "fieldworker", "--name", "Attacher").code == 0
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(library_example("incident")), encoding="utf-8")
    r = cli("record", "new", "incident", "--answers", str(answers), *(["--seal"] if seal else []))
    assert r.code == 0, r.err
    return r.out.strip().splitlines()[-1]


def test_attach_prints_digest_size_and_type(cli: CLI, tmp_path: Path) -> None:
    record_id = new_draft(cli, tmp_path)
    photo = tmp_path / "ရွာ photo.jpg"
    data = os.urandom(5000)
    photo.write_bytes(data)
    r = cli("record", "attach", record_id, str(photo))
    assert r.code == 0, r.err
    assert r.out == f"{hashlib.sha256(data).hexdigest()}  5000 bytes  image/jpeg\n"
    shown = json.loads(cli("record", "show", record_id, "--json").out)
    assert "ရွာ photo.jpg" in json.dumps(shown, ensure_ascii=False)


def test_explicit_mime(cli: CLI, tmp_path: Path) -> None:
    record_id = new_draft(cli, tmp_path)
    note = tmp_path / "note"
    note.write_bytes(b"plain words")
    r = cli("record", "attach", record_id, str(note), "--mime", "text/plain")
    assert r.code == 0 and r.out.endswith("11 bytes  text/plain\n")


def test_missing_file_does_not_echo_its_name(cli: CLI, tmp_path: Path) -> None:
    record_id = new_draft(cli, tmp_path)
    r = cli("record", "attach", record_id, str(tmp_path / "Daw Aye statement.m4a"))
    assert r.code == 1
    assert r.err.startswith("fieldkit: error: The file to attach does not exist.")
    assert "Daw Aye" not in r.err


def test_directory(cli: CLI, tmp_path: Path) -> None:
    record_id = new_draft(cli, tmp_path)
    r = cli("record", "attach", record_id, str(tmp_path))
    assert r.code == 1 and "is a folder" in r.err


def test_fifo_is_not_a_regular_file(cli: CLI, tmp_path: Path) -> None:
    record_id = new_draft(cli, tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # Opening a FIFO for reading blocks until a writer appears; give it one.
    fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
    try:
        r = cli("record", "attach", record_id, str(fifo))
    finally:
        os.close(fd)
    assert r.code == 1 and "not a regular file" in r.err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(cli: CLI, tmp_path: Path) -> None:
    record_id = new_draft(cli, tmp_path)
    secret = tmp_path / "locked.txt"
    secret.write_bytes(b"x")
    secret.chmod(0)
    r = cli("record", "attach", record_id, str(secret))
    assert r.code == 1 and "permission denied" in r.err


def test_sealed_and_unknown_records(cli: CLI, tmp_path: Path) -> None:
    record_id = new_draft(cli, tmp_path, seal=True)
    f = tmp_path / "late.jpg"
    f.write_bytes(b"late")
    r = cli("record", "attach", record_id, str(f))
    assert r.code == 1
    assert "sealed" in r.err and "hint: amend" in r.err
    r = cli("record", "attach", "01900000-0000-7000-8000-000000000000", str(f))
    assert r.code == 1 and "no record" in r.err


def test_wrong_passphrase_leaves_nothing(cli: CLI, tmp_path: Path) -> None:
    record_id = new_draft(cli, tmp_path)
    f = tmp_path / "a.jpg"
    f.write_bytes(b"a")
    r = cli("record", "attach", record_id, str(f), passphrase="wrong passphrase")
    assert r.code == 3
    shown = json.loads(cli("record", "show", record_id, "--json").out)
    assert not shown.get("attachments")

"""End-to-end 'fieldkit record ...' commands in a temporary home."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from forms import library_example

EXAMPLE = library_example("incident")


@pytest.fixture
def home(cli: Any) -> Any:
    assert cli("init", "--role", "fieldworker", "--name", "Tester").code == 0
    return cli


def _write(tmp_path: Path, value: Any, name: str = "answers.json") -> str:
    path = tmp_path / name
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return str(path)


def test_new_seal_list_show_verify(home: Any, tmp_path: Path) -> None:
    result = home("record", "new", "incident", "--answers", _write(tmp_path, EXAMPLE), "--seal")
    assert result.code == 0, result.err
    rid = result.out.strip()
    assert len(rid) == 36
    listed = home("record", "list", "--json")
    assert [r["id"] for r in json.loads(listed.out)] == [rid]
    assert json.loads(listed.out)[0]["status"] == "sealed"
    shown = json.loads(home("record", "show", rid, "--json").out)
    assert shown["seq"] == 1 and shown["answers"] and len(shown["history"]) == 1
    text = home("record", "show", rid)
    assert "Status:      sealed" in text.out
    verify = home("record", "verify")
    assert verify.code == 0 and "Chain intact: 1" in verify.out


def test_draft_then_seal_and_amend(home: Any, tmp_path: Path) -> None:
    partial = {k: v for k, v in EXAMPLE.items() if k != "acts"}
    bad = home("record", "new", "incident", "--answers", _write(tmp_path, {"acts": "x"}))
    assert bad.code == 0 and "problem" in bad.err and "acts" in bad.err
    result = home("record", "new", "incident", "--answers", _write(tmp_path, partial))
    assert result.code == 0 and result.err == ""  # incomplete is fine for a draft
    rid = result.out.strip()
    drafts = json.loads(home("record", "list", "--status", "draft", "--json").out)
    assert rid in [d["id"] for d in drafts]
    refused = home("record", "seal", rid)
    assert refused.code == 1 and "acts" in refused.err and "nothing was sealed" in refused.err
    assert home("record", "delete", rid).code == 0
    sealed = home("record", "new", "incident", "--answers", _write(tmp_path, EXAMPLE))
    rid = sealed.out.strip()
    assert home("record", "seal", rid).code == 0
    fixed = home("record", "amend", rid, "--answers", _write(tmp_path, EXAMPLE))
    assert fixed.code == 0
    shown = home("record", "show", rid)
    assert "History (oldest first):" in shown.out and fixed.out.strip() in shown.out
    assert home("record", "delete", rid).code == 1


def test_seal_flag_refuses_invalid_answers_and_keeps_nothing(home: Any, tmp_path: Path) -> None:
    result = home("record", "new", "incident", "--answers", _write(tmp_path, {}), "--seal")
    assert result.code == 1 and "problems" in result.err
    assert json.loads(home("record", "list", "--json").out) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"a": 1,}', "line 1, column 9"),
        ('{\n  "a": [1,\n  2\n', "line 4"),
        ("[1, 2]", "does not hold a JSON object"),
        ('{"a": NaN}', "not a JSON number"),
        ('{"a": 1, "a": 2}', "twice"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_bad_answers_files(home: Any, tmp_path: Path, content: Any, expected: str) -> None:
    path = tmp_path / "bad.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = home("record", "new", "incident", "--answers", str(path))
    assert result.code == 1 and expected in result.err
    assert result.err.startswith("fieldkit: error:")


def test_answers_file_size_limit(home: Any, tmp_path: Path) -> None:
    from fieldkit.records import MAX_ANSWERS_BYTES

    path = tmp_path / "big.json"
    path.write_bytes(b'{"a": "' + b"x" * MAX_ANSWERS_BYTES + b'"}')
    result = home("record", "new", "incident", "--answers", str(path))
    assert result.code == 1 and "larger than" in result.err


def test_answers_from_stdin(home: Any) -> None:
    result = home("record", "new", "incident", "--answers", "-", stdin=json.dumps(EXAMPLE))
    assert result.code == 0 and len(result.out.strip()) == 36


def test_unknown_record_and_form(home: Any, tmp_path: Path) -> None:
    missing = home("record", "show", "019b0000-0000-7000-8000-000000000000")
    assert missing.code == 1 and "hint:" in missing.err
    unknown = home("record", "new", "nope", "--answers", _write(tmp_path, {}))
    assert unknown.code == 1 and "forms list" in unknown.err


def test_attach_is_registered(home: Any, tmp_path: Path) -> None:
    rid = home("record", "new", "incident", "--answers", _write(tmp_path, EXAMPLE)).out.strip()
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8 not really a jpeg")
    assert home("record", "attach", rid, str(photo)).code == 0
    assert home("record", "seal", rid).code == 0
    shown = json.loads(home("record", "show", rid, "--json").out)
    assert [a["name"] for a in shown["attachments"]] == ["photo.jpg"]
    assert home("record", "attach", rid, str(photo)).code == 1


def test_list_text_output(home: Any, tmp_path: Path) -> None:
    assert "No records" in home("record", "list").err
    home("record", "new", "incident", "--answers", _write(tmp_path, EXAMPLE), "--seal")
    out = home("record", "list", "--form", "incident").out
    assert out.splitlines()[0].startswith("ID") and "incident" in out

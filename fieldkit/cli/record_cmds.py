"""Commands about records: new, seal, amend, list, show, delete, attach, verify."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from fieldkit import records
from fieldkit.chain import ChainReport
from fieldkit.cli.context import Context
from fieldkit.errors import FieldkitError, UsageError
from fieldkit.records import MAX_ANSWERS_BYTES, STATUSES, AnswersInvalid, Record
from forms import AnswerError, location_label

Common = Callable[[argparse.ArgumentParser], None]


class AnswersFileError(FieldkitError):
    """The answers file cannot be used."""

    title = "Answers file"
    hint = "give a JSON object of field names and answers, like the form's example file"


def register(sub: Any, common: Common) -> None:
    group = sub.add_parser("record", help="create, seal, list and show records")
    common(group)
    rsub = group.add_subparsers(dest="record_command", metavar="COMMAND", required=True)

    p = rsub.add_parser("new", help="save a new draft (or sealed record) and print its id")
    common(p)
    p.add_argument("form_id", metavar="FORM_ID")
    p.add_argument("--answers", required=True, metavar="FILE",
                   help="JSON object of answers ('-' for standard input)")
    p.add_argument("--seal", action="store_true", help="seal at once (refused if not valid)")
    p.add_argument("--form-version", type=int, metavar="N", help="form version (default newest)")
    p.set_defaults(handler=cmd_record_new)

    p = rsub.add_parser("seal", help="seal a draft: sign it and add it to your chain")
    common(p)
    p.add_argument("id", metavar="ID")
    p.set_defaults(handler=cmd_record_seal)

    p = rsub.add_parser("amend", help="seal a correction of a sealed record")
    common(p)
    p.add_argument("id", metavar="ID")
    p.add_argument("--answers", required=True, metavar="FILE",
                   help="JSON object of the corrected answers ('-' for standard input)")
    p.set_defaults(handler=cmd_record_amend)

    p = rsub.add_parser("list", help="list records, newest first")
    common(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--form", metavar="FORM_ID", help="only records of this form")
    p.add_argument("--status", choices=STATUSES, help="only records with this status")
    p.add_argument("--limit", type=int, metavar="N", help="at most N records")
    p.set_defaults(handler=cmd_record_list)

    p = rsub.add_parser("show", help="show a record, its attachments and its history")
    common(p)
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_record_show)

    p = rsub.add_parser("delete", help="delete a draft (sealed records are kept)")
    common(p)
    p.add_argument("id", metavar="ID")
    p.set_defaults(handler=cmd_record_delete)

    p = rsub.add_parser("verify", help="check this device's chain of sealed records")
    common(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_record_verify)

    _register_attach(rsub, common)


def _register_attach(rsub: Any, common: Common) -> None:
    from fieldkit.cli.attach_cmd import cmd_record_attach

    p = rsub.add_parser("attach", help="stream a file into the store as a draft's attachment")
    common(p)
    p.add_argument("id", metavar="ID")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--mime", metavar="TYPE", help="MIME type (default: guessed from the name)")
    p.set_defaults(handler=cmd_record_attach)


# -- reading answers -------------------------------------------------------------------


def _no_duplicates(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            # The key is a field name from the form, not an answer.
            raise AnswersFileError(f"The answers file names the field {key!r} twice.")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise AnswersFileError(f"The answers file holds {name}, which is not a JSON number.")


def read_answers(path: str, ctx: Context) -> dict[str, Any]:
    """Read a JSON object of answers, size-limited, with line and column on errors."""
    where = "standard input" if path == "-" else path
    limit = MAX_ANSWERS_BYTES
    if path == "-":
        buffer = getattr(ctx.stdin, "buffer", None)
        data = (buffer.read(limit + 1) if buffer is not None
                else ctx.stdin.read(limit + 1).encode("utf-8"))
    else:
        try:
            with open(path, "rb") as fh:
                data = fh.read(limit + 1)
        except OSError as exc:
            raise AnswersFileError(f"Cannot read {where} ({exc.strerror}).",
                                   hint="check the file name") from None
    if len(data) > limit:
        raise AnswersFileError(f"{where} is larger than {limit // (1024 * 1024)} MiB.",
                               hint="put long documents in attachments instead")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnswersFileError(f"{where} is not UTF-8 text.",
                               hint="save the file as UTF-8") from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        # exc.msg is json's own description ("Expecting ',' delimiter"), never content.
        raise AnswersFileError(
            f"{where} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    if not isinstance(value, dict):
        raise AnswersFileError(f"{where} does not hold a JSON object.")
    return value


def _print_problems(ctx: Context, errors: Sequence[AnswerError]) -> None:
    for error in errors:
        ctx.note(f"  {error.path or '(answers)'}: {error.message}")


# -- commands ----------------------------------------------------------------------------


def cmd_record_new(ctx: Context, args: argparse.Namespace) -> int:
    answers = read_answers(args.answers, ctx)
    with ctx.open_profile() as profile:
        try:
            if args.seal:
                sealed = records.seal_new(profile, args.form_id, answers,
                                          version=args.form_version)
                ctx.out(sealed.id)
                return 0
            draft = records.create_draft(profile, args.form_id, answers,
                                         version=args.form_version)
        except AnswersInvalid as exc:
            ctx.note("The answers have these problems:")
            _print_problems(ctx, exc.errors)
            raise
    ctx.out(draft.record_id)
    if draft.errors:
        count = len(draft.errors)
        ctx.note(f"Saved as a draft; {count} problem{'s' if count != 1 else ''}"
                 " to fix before sealing:")
        _print_problems(ctx, draft.errors)
    return 0


def cmd_record_seal(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open_profile() as profile:
        try:
            sealed = records.seal(profile, args.id)
        except AnswersInvalid as exc:
            ctx.note("The answers have these problems:")
            _print_problems(ctx, exc.errors)
            raise
    ctx.out(sealed.id)
    ctx.note(f"Sealed as number {sealed.seq} of your chain.")
    return 0


def cmd_record_amend(ctx: Context, args: argparse.Namespace) -> int:
    answers = read_answers(args.answers, ctx)
    with ctx.open_profile() as profile:
        try:
            sealed = records.amend(profile, args.id, answers)
        except AnswersInvalid as exc:
            ctx.note("The answers have these problems:")
            _print_problems(ctx, exc.errors)
            raise
    ctx.out(sealed.id)
    ctx.note(f"Sealed an amendment of {args.id}; both are kept.")
    return 0


def cmd_record_list(ctx: Context, args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must not be negative.")
    with ctx.open_profile() as profile:
        rows = records.list_records(profile, form_id=args.form, status=args.status,
                                   limit=args.limit)
    if args.json:
        ctx.out_json([
            {"id": r.id, "form_id": r.form_id, "form_version": r.form_version,
             "status": r.status, "created_at": r.created_at, "updated_at": r.updated_at,
             "sealed_at": r.sealed_at, "seq": r.seq, "supersedes": r.supersedes,
             "origin": r.origin, "date": r.date, "township": r.township}
            for r in rows
        ])
        return 0
    if not rows:
        ctx.note("No records.")
        return 0
    ctx.out(f"{'ID':<36}  {'FORM':<20} {'STATUS':<7} {'DATE':<10} {'TOWNSHIP':<16} UPDATED")
    for r in rows:
        ctx.out(f"{r.id:<36}  {r.form_id:<20} {r.status:<7} {r.date or '-':<10}"
                f" {_place(r.township):<16} {r.updated_at}")
    return 0


def _place(pcode: str | None) -> str:
    if pcode is None:
        return "-"
    try:
        return location_label(pcode, "en")
    except KeyError:
        return pcode


def _record_json(record: Record) -> dict[str, Any]:
    return {
        "id": record.id, "form_id": record.form_id, "form_version": record.form_version,
        "author": record.author, "status": record.status, "created_at": record.created_at,
        "updated_at": record.updated_at, "sealed_at": record.sealed_at, "seq": record.seq,
        "hash": record.hash.hex() if record.hash is not None else None,
        "supersedes": record.supersedes, "superseded_by": record.superseded_by,
        "origin": record.origin, "delivered_at": record.delivered_at,
        "answers": record.answers,
        "attachments": [
            {"sha256": a.sha256, "size": a.size, "mime": a.mime, "name": a.name}
            for a in record.attachments
        ],
    }


def cmd_record_show(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open_profile() as profile:
        record = records.get_record(profile, args.id)
        versions = records.history(profile, args.id)
    if args.json:
        out = _record_json(record)
        out["history"] = [
            {"id": v.id, "status": v.status, "sealed_at": v.sealed_at, "seq": v.seq,
             "supersedes": v.supersedes}
            for v in versions
        ]
        ctx.out_json(out)
        return 0
    ctx.out(f"Record:      {record.id}")
    ctx.out(f"Form:        {record.form_id} version {record.form_version}")
    ctx.out(f"Status:      {record.status}")
    ctx.out(f"Created:     {record.created_at}")
    if record.sealed_at is not None:
        ctx.out(f"Sealed:      {record.sealed_at} (number {record.seq} of its author's chain)")
        ctx.out(f"Hash:        {record.hash.hex() if record.hash else '-'}")
    else:
        ctx.out(f"Updated:     {record.updated_at}")
    if record.delivered_at is not None:
        ctx.out(f"Delivered:   {record.delivered_at}")
    ctx.out("Answers:")
    if record.answers is None:
        ctx.out("  (purged from this device after delivery)")
    else:
        text = json.dumps(record.answers, ensure_ascii=False, indent=2, sort_keys=True)
        for line in text.splitlines():
            ctx.out(f"  {line}")
    ctx.out(f"Attachments: {len(record.attachments) or 'none'}")
    for a in record.attachments:
        ctx.out(f"  {a.name}  {a.mime}  {a.size} bytes  sha256 {a.sha256[:16]}…")
    if len(versions) > 1:
        ctx.out("History (oldest first):")
        for v in versions:
            mark = "*" if v.id == record.id else " "
            when = v.sealed_at or f"draft, updated {v.updated_at}"
            kind = "amends " + v.supersedes if v.supersedes else "original"
            ctx.out(f" {mark} {v.id}  {when}  {kind}")
    return 0


def cmd_record_delete(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open_profile() as profile:
        records.delete_draft(profile, args.id)
    ctx.note(f"Deleted draft {args.id}.")
    return 0


def _report_json(report: ChainReport) -> dict[str, Any]:
    return {
        "author": report.author, "count": report.count, "head_seq": report.head_seq,
        "head_hash": report.head_hash.hex(), "ok": report.ok,
        "problems": [
            {"kind": type(p).__name__, "message": p.message, "record_id": p.record_id,
             "seq": p.seq}
            for p in report.problems
        ],
    }


def cmd_record_verify(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open_profile() as profile:
        report = records.verify_own_chain(profile)
    if args.json:
        ctx.out_json(_report_json(report))
    elif report.ok:
        ctx.out(f"Chain intact: {report.count} sealed records, newest is number"
                f" {report.head_seq}.")
    for problem in report.problems[1:]:
        print(f"fieldkit: {problem.message}", file=ctx.stderr or sys.stderr)
    report.raise_first()
    return 0

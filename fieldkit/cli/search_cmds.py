"""Commands for finding records and checking the audit log: search, audit verify."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from fieldkit import audit
from fieldkit.cli.context import Context
from fieldkit.search import SearchHit, search
from forms import location_label

Common = Callable[[argparse.ArgumentParser], None]
DEFAULT_LIMIT = 50


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser("search", help="find records by words in their answers")
    common(p)
    p.add_argument(
        "query", nargs="+", metavar="QUERY",
        help='words or parts of words (Burmese too); "quote" a phrase to keep it whole',
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--limit", type=int, default=DEFAULT_LIMIT, metavar="N",
        help=f"show at most N records, newest first (default {DEFAULT_LIMIT})",
    )
    p.set_defaults(handler=cmd_search)

    audit_parser = sub.add_parser("audit", help="check the audit log of this profile")
    common(audit_parser)
    asub = audit_parser.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    p = asub.add_parser("verify", help="check that no audit entry was changed, removed or moved")
    common(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_audit_verify)


def place_name(pcode: str | None) -> str:
    """A township's English name for a P-code; the code itself when it is not known."""
    if not pcode:
        return "-"
    try:
        return location_label(pcode, "en")
    except KeyError:
        return pcode


def _hit_json(hit: SearchHit) -> dict[str, Any]:
    return {
        "id": hit.record_id,
        "form_id": hit.form_id,
        "date": hit.date,
        "township": hit.township,
        "township_name": place_name(hit.township) if hit.township else None,
        "snippet": hit.snippet,
    }


def cmd_search(ctx: Context, args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    with ctx.open_profile() as profile:
        hits = search(profile.store, query, limit=args.limit,
                      lang=profile.settings.language)
    if args.json:
        ctx.out_json([_hit_json(h) for h in hits])
        return 0
    if not hits:
        ctx.out("No records match.")
        return 0
    for hit in hits:
        ctx.out(
            f"{hit.record_id}  {hit.form_id or '-'}  {hit.date or '-'}  "
            f"{place_name(hit.township)}  {hit.snippet}"
        )
    if len(hits) == args.limit:
        ctx.note(f"Showing the newest {args.limit} matches; use --limit to see more.")
    return 0


def cmd_audit_verify(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open_profile() as profile:
        count = audit.verify(profile.store)  # raises AuditChainBroken, rendered at the edge
    if args.json:
        ctx.out_json({"intact": True, "entries": count})
    else:
        ctx.out(f"Audit log intact: {count} entries")
    return 0

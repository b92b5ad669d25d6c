"""Commands about the profile itself: init, status, keys."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldkit.cli.context import Context
from fieldkit.errors import FieldkitError, UsageError
from fieldkit.profile import ROLES, Profile
from fieldkit.status import profile_status
from keys.card import parse_card

Common = Callable[[argparse.ArgumentParser], None]
MAX_CARD_BYTES = 64 * 1024


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser("init", help="create a profile with a new device identity")
    common(p)
    p.add_argument("--role", required=True, choices=[r for r in ROLES if r != "training"])
    p.add_argument("--name", required=True, help="your name or code name, shown on your card")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("status", help="show the profile's name, role, fingerprint and counts")
    common(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_status)

    keys = sub.add_parser("keys", help="identity card, fingerprint and trusted peers")
    common(keys)
    ksub = keys.add_subparsers(dest="keys_command", metavar="COMMAND", required=True)
    p = ksub.add_parser("card", help="print or write this device's identity card")
    common(p)
    p.add_argument("-o", "--output", metavar="FILE", help="write the card to FILE")
    p.set_defaults(handler=cmd_keys_card)
    p = ksub.add_parser("trust", help="trust another device's identity card")
    common(p)
    p.add_argument("card", metavar="CARD", help="card file ('-' for standard input)")
    p.add_argument(
        "--fingerprint", metavar="DIGITS",
        help="the 30 digits as read out by the card's owner (asked on a terminal otherwise)",
    )
    p.set_defaults(handler=cmd_keys_trust)
    p = ksub.add_parser("list", help="list trusted devices")
    common(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_keys_list)


def cmd_init(ctx: Context, args: argparse.Namespace) -> int:
    passphrase = ctx.passphrase(new=True)
    with Profile.create(
        ctx.home, passphrase, name=args.name, role=args.role, params=ctx.params
    ) as profile:
        ctx.out(f"Created a {profile.role} profile in {ctx.home}")
        ctx.out(f"Fingerprint: {profile.fingerprint}")
    ctx.note("Remember the passphrase: nobody can recover it, not even your coordinator.")
    return 0


def cmd_status(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open_profile() as profile:
        status = profile_status(profile)
    if args.json:
        ctx.out_json(status)
        return 0
    ctx.out(f"Profile:          {status['name']} ({status['role']})")
    ctx.out(f"Fingerprint:      {status['fingerprint']}")
    ctx.out(f"Folder:           {ctx.home}")
    for label, value in status["counts"].items():
        ctx.out(f"{label.replace('_', ' ').capitalize() + ':':<18}{value}")
    ctx.out(f"{'Last export:':<18}{status['last_export'] or 'never'}")
    return 0


def cmd_keys_card(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open_profile() as profile:
        card = profile.card_text()
        fingerprint = profile.fingerprint
    if args.output:
        out = Path(args.output)
        try:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(card)
        except OSError as exc:
            raise FieldkitError(
                f"Cannot write the card to {out} ({exc.strerror}).",
                hint="choose a folder you can write to",
            ) from None
        ctx.out(f"Wrote the card to {out}")
        ctx.out(f"Fingerprint: {fingerprint}")
    else:
        ctx.stdout.write(card)
    return 0


def _read_card(ctx: Context, path: str) -> str:
    if path == "-":
        text = ctx.stdin.read(MAX_CARD_BYTES + 1)
        if len(text) > MAX_CARD_BYTES:
            raise FieldkitError("This input is too large to be an identity card.")
        return text
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_CARD_BYTES + 1)
    except OSError as exc:
        raise FieldkitError(
            f"Cannot read the card {path} ({exc.strerror}).", hint="check the file name"
        ) from None
    if len(data) > MAX_CARD_BYTES:
        raise FieldkitError("This file is too large to be an identity card.",
                            hint="check that you picked the card file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FieldkitError("This file is not an identity card (not text).",
                            hint="check that you picked the card file") from None


def cmd_keys_trust(ctx: Context, args: argparse.Namespace) -> int:
    text = _read_card(ctx, args.card)
    card = parse_card(text)  # fail on a damaged card before asking for the passphrase
    with ctx.open_profile() as profile:
        fingerprint = args.fingerprint
        if fingerprint is None:
            if not ctx.interactive:
                raise UsageError(
                    "Trusting a card needs its fingerprint confirmed.",
                    hint="pass --fingerprint with the 30 digits its owner reads to you",
                )
            ctx.note(f"Card of:     {card.name} ({card.role})")
            ctx.note(f"Fingerprint: {card.fingerprint}")
            if not ctx.confirm(
                "Ask the owner to read their fingerprint aloud. "
                "Type yes if every digit matches: "
            ):
                raise FieldkitError("Not trusted: the fingerprint was not confirmed.",
                                    hint="nothing was changed")
            fingerprint = card.fingerprint
        peer = profile.trust(text, fingerprint)
    ctx.out(f"Trusted {peer.name} ({peer.role}), fingerprint {peer.fingerprint}")
    return 0


def cmd_keys_list(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.open_profile() as profile:
        me = {"name": profile.name, "role": profile.role, "fingerprint": profile.fingerprint}
        peers = profile.peers(include_revoked=True)
    rows = [
        {
            "name": p.name,
            "role": p.role,
            "fingerprint": p.fingerprint,
            "recipient": p.public.recipient,
            "trusted_at": p.trusted_at,
            "revoked_at": p.revoked_at,
        }
        for p in peers
    ]
    if args.json:
        ctx.out_json({"self": me, "peers": rows})
        return 0
    ctx.out(f"This device: {me['name']} ({me['role']})  {me['fingerprint']}")
    if not rows:
        ctx.out("No trusted devices yet. Trust one with 'fieldkit keys trust CARD'.")
    for row in rows:
        state = "  REVOKED" if row["revoked_at"] else ""
        ctx.out(f"{row['role']:<12} {row['fingerprint']}  {row['name']}{state}")
    return 0

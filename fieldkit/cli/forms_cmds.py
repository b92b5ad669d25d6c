"""Commands about forms: list, validate, install."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from fieldkit.cli.context import Context
from fieldkit.formstore import install_form, list_forms
from fieldkit.locations import ProfilePaths
from forms import load_form_file

Common = Callable[[argparse.ArgumentParser], None]


def register(sub: Any, common: Common) -> None:
    group = sub.add_parser("forms", help="list, check and install form definitions")
    common(group)
    fsub = group.add_subparsers(dest="forms_command", metavar="COMMAND", required=True)

    p = fsub.add_parser("list", help="forms you can fill on this device")
    common(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_forms_list)

    p = fsub.add_parser("validate", help="check form definition files (no profile needed)")
    common(p)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(handler=cmd_forms_validate)

    p = fsub.add_parser("install", help="add a form, or a new version of one, to the profile")
    common(p)
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=cmd_forms_install)


def cmd_forms_list(ctx: Context, args: argparse.Namespace) -> int:
    if ProfilePaths(ctx.home).database.exists():
        with ctx.open_profile() as profile:
            infos = list_forms(profile.store)
    else:
        ctx.note("No profile here: showing the built-in library only.")
        infos = list_forms(None)
    if args.json:
        ctx.out_json(
            [
                {"id": f.form_id, "version": f.version, "title": f.title, "source": f.source}
                for f in infos
            ]
        )
        return 0
    for f in infos:
        ctx.out(f"{f.form_id:<28} v{f.version:<4} {f.source:<10} {f.title.get('en', '')}")
    return 0


def cmd_forms_validate(ctx: Context, args: argparse.Namespace) -> int:
    def check(name: str) -> str:
        form = load_form_file(name)
        return f"{form.id} version {form.version}"

    return ctx.check_files(args.files, "form", check)


def cmd_forms_install(ctx: Context, args: argparse.Namespace) -> int:
    form = load_form_file(args.file)  # a bad form fails before asking for the passphrase
    with ctx.open_profile() as profile:
        added = install_form(profile.store, form)
    if added:
        ctx.out(f"Installed {form.id} version {form.version}")
    else:
        ctx.out(f"{form.id} version {form.version} was already installed; nothing changed")
    return 0

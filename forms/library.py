"""The built-in form library shipped in ``forms/library``."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from forms.errors import UnknownForm
from forms.loader import load_form_text
from forms.model import Form

# Older versions of a library form live in library/archive/<id>@<version>.yaml so
# that records entered with them still validate against the exact version.


def _read(*parts: str) -> str:
    return resources.files("forms").joinpath("library", *parts).read_text(encoding="utf-8")


def _names(folder: str | None = None) -> list[str]:
    base = resources.files("forms").joinpath("library")
    if folder is not None:
        base = base.joinpath(folder)
        if not base.is_dir():
            return []
    return sorted(entry.name for entry in base.iterdir() if entry.name.endswith(".yaml"))


@cache
def _load(*parts: str) -> Form:
    return load_form_text(_read(*parts), source="library/" + "/".join(parts))


def library_forms() -> list[Form]:
    """The built-in forms, latest version of each, in id order."""
    return [_load(name) for name in _names()]


def library_form(form_id: str, version: int | None = None) -> Form:
    """A built-in form by id; ``version`` picks an archived version."""
    for form in library_forms():
        if form.id == form_id and (version is None or form.version == version):
            return form
    if version is not None:
        name = f"{form_id}@{version}.yaml"
        if name in _names("archive"):
            return _load("archive", name)
    known = ", ".join(form.id for form in library_forms())
    wanted = form_id if version is None else f"{form_id}@{version}"
    raise UnknownForm(f"no library form '{wanted}' (expected one of: {known})")


def library_example(form_id: str) -> dict[str, Any]:
    """The complete, valid example answers shipped for a library form."""
    library_form(form_id)
    data = json.loads(_read("examples", f"{form_id}.json"))
    assert isinstance(data, dict)
    return data

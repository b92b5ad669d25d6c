"""Which form definition a record uses: installed forms first, then the built-in library.

Records keep ``form_id`` and ``form_version`` forever, so the exact definition
a record was entered with is copied into the store the first time it is used
(or installed by hand), and travels with bundles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fieldkit import audit
from fieldkit.clock import Clock, rfc3339, utc_now
from fieldkit.errors import FieldkitError
from forms import Form, form_from_json, form_to_json, library_forms

if TYPE_CHECKING:
    from fieldkit.store import Connection, Store


class UnknownForm(FieldkitError):
    """There is no such form on this device."""

    title = "Unknown form"
    hint = "see the forms you can use with 'fieldkit forms list'"


class FormConflict(FieldkitError):
    """A different form with the same id and version is already installed."""

    title = "Form version conflict"
    hint = "give the changed form a higher version number, then install it"


@dataclass(frozen=True)
class FormInfo:
    """One row of 'fieldkit forms list'."""

    form_id: str
    version: int
    title: dict[str, str]
    source: str  # "library" or "installed"


def _installed(store: Store, form_id: str, version: int | None) -> Form | None:
    if version is None:
        row = store.query_one(
            "SELECT definition FROM forms WHERE form_id = ? ORDER BY version DESC LIMIT 1",
            (form_id,),
        )
    else:
        row = store.query_one(
            "SELECT definition FROM forms WHERE form_id = ? AND version = ?", (form_id, version)
        )
    return form_from_json(bytes(row[0]), source=f"installed form {form_id}") if row else None


def _library(form_id: str, version: int | None) -> Form | None:
    candidates = [f for f in library_forms() if f.id == form_id]
    if version is not None:
        candidates = [f for f in candidates if f.version == version]
    return max(candidates, key=lambda f: f.version) if candidates else None


def get_form(store: Store, form_id: str, version: int | None = None) -> Form:
    """The form ``form_id`` at ``version`` (the newest when None)."""
    installed = _installed(store, form_id, version)
    library = _library(form_id, version)
    if version is None and installed is not None and library is not None:
        return installed if installed.version >= library.version else library
    form = installed or library
    if form is None:
        wanted = form_id if version is None else f"{form_id} version {version}"
        raise UnknownForm(f"There is no form '{wanted}' on this device.")
    return form


def ensure_form_installed(
    conn: Connection, form: Form, *, source: str = "library", clock: Clock = utc_now
) -> None:
    """Record the exact definition of ``form`` (idempotent; refuses a changed duplicate)."""
    definition = form_to_json(form)
    row = conn.execute(
        "SELECT definition FROM forms WHERE form_id = ? AND version = ?", (form.id, form.version)
    ).fetchone()
    if row is not None:
        if bytes(row[0]) != definition:
            raise FormConflict(
                f"Form '{form.id}' version {form.version} is already installed"
                " with different content."
            )
        return
    conn.execute(
        "INSERT INTO forms (form_id, version, definition, source, installed_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (form.id, form.version, definition, source, rfc3339(clock())),
    )
    audit.append(conn, "form-install", form.id, {"version": form.version, "source": source},
                 clock=clock)


def install_form(store: Store, form: Form, *, clock: Clock = utc_now) -> bool:
    """Install ``form`` by hand; False when that exact version was already there."""
    with store.transaction() as conn:
        before = conn.execute(
            "SELECT 1 FROM forms WHERE form_id = ? AND version = ?", (form.id, form.version)
        ).fetchone()
        ensure_form_installed(conn, form, source="installed", clock=clock)
    return before is None


def list_forms(store: Store | None) -> list[FormInfo]:
    """Every form usable here: the library's, and those installed in the store."""
    seen: dict[tuple[str, int], FormInfo] = {}
    for form in library_forms():
        seen[(form.id, form.version)] = FormInfo(form.id, form.version, dict(form.title), "library")
    if store is not None:
        for form_id, version, definition, source in store.query(
            "SELECT form_id, version, definition, source FROM forms"
        ):
            if (form_id, version) in seen:
                continue
            title: dict[str, Any] = form_from_json(bytes(definition)).title
            seen[(form_id, version)] = FormInfo(form_id, int(version), dict(title), str(source))
    return sorted(seen.values(), key=lambda f: (f.form_id, f.version))

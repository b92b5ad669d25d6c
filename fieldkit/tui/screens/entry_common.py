"""Small helpers the entry, review, record and attachment screens share."""

from __future__ import annotations

from textual.app import App

from fieldkit.errors import FieldkitError


def app_language(app: App[object], default: str = "en") -> str:
    """The label language the app is showing (``app.language`` when the app has one)."""
    lang = getattr(app, "language", None)
    return lang if lang in ("en", "my") else default


def report(app: App[object], exc: FieldkitError) -> None:
    """Show a core error as a title and a plain sentence (the app's modal when there is one)."""
    show = getattr(app, "show_error", None)
    if callable(show):
        show(exc)
        return
    text = exc.message + (f"\nWhat to do: {exc.hint}" if exc.hint else "")
    app.notify(text, title=exc.title, severity="error", markup=False)

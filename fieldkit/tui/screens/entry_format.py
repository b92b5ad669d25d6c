"""Answers as readable lines (labels, place names, dates in words), for review and records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fieldkit.tui.widgets.base import text_in
from fieldkit.tui.widgets.select import field_terms
from forms import MASK, Field, Form, location_label, mask_sensitive, vocabulary

_WORDS = {
    "en": {"yes": "Yes", "no": "No", "unknown": "unknown", "about": "about", "until": "until",
           "hidden": "(hidden: press r to reveal)"},
    "my": {"yes": "ဟုတ်", "no": "မဟုတ်", "unknown": "မသိ", "about": "ခန့်မှန်းခြေ", "until": "အထိ",
           "hidden": "(ဖုံးထားသည် - r ဖြင့် ပြပါ)"},
}


def _place(code: Any, lang: str) -> str:
    try:
        return location_label(str(code), lang)
    except KeyError:
        return str(code)


def _date(value: Any, w: dict[str, str]) -> str:
    if not isinstance(value, dict):
        return str(value)
    if value.get("precision") == "unknown":
        return w["unknown"]
    text = str(value.get("value"))
    if value.get("around"):
        text = f"{w['about']} {text}"
    until = value.get("until")
    if isinstance(until, dict):
        text += f" {w['until']} {until.get('value')}"
    return text


def _choice(field: Field, code: Any, lang: str) -> str:
    for term in field_terms(field):
        if term.code == code:
            return text_in(term.label, lang)
    return str(code)


def format_value(
    field: Field, value: Any, lang: str, files: Mapping[str, str] | None = None
) -> str:
    """One answer as text a fieldworker reads."""
    w = _WORDS.get(lang, _WORDS["en"])
    kind = field.type
    if value == MASK:
        return f"{MASK} {w['hidden']}"
    if kind == "boolean":
        return w["yes"] if value else w["no"]
    if kind == "select_one":
        return _choice(field, value, lang)
    if kind == "select_multiple" and isinstance(value, list):
        return ", ".join(_choice(field, code, lang) for code in value)
    if kind == "date":
        return _date(value, w)
    if kind == "location" and isinstance(value, dict):
        parts = [
            _place(value[level], lang)
            for level in ("village_tract", "township", "state")
            if value.get(level)
        ]
        if value.get("village"):
            parts.insert(0, str(value["village"]))
        coords = value.get("coordinates")
        if isinstance(coords, dict):
            parts.append(f"({coords.get('lat')}, {coords.get('lon')})")
        elif coords == MASK:
            parts.append(f"({MASK})")
        return ", ".join(parts)
    if kind == "consent" and isinstance(value, dict):
        scopes = ", ".join(
            vocabulary_label("consent_scopes", s, lang) for s in value.get("scopes") or []
        )
        obtained = vocabulary_label("consent_methods", value.get("obtained"), lang)
        return f"{scopes}; {obtained}; {value.get('date')}"
    if kind == "attachment":
        digests = value if isinstance(value, list) else [value]
        names = files or {}
        return ", ".join(names.get(str(d), str(d)[:12] + "…") for d in digests)
    if isinstance(value, str):
        return value
    return str(value)


def vocabulary_label(vocab_id: str, code: Any, lang: str) -> str:
    """A vocabulary term's label, or the code when the vocabulary or term is unknown."""
    try:
        return vocabulary(vocab_id).label(str(code), lang)
    except Exception:  # unknown vocabulary: show the code rather than fail to display
        return str(code)


def answer_lines(
    form: Form,
    answers: Mapping[str, Any],
    lang: str,
    *,
    files: Mapping[str, str] | None = None,
    masked: bool = False,
) -> list[str]:
    """Every answered field as 'Label: value', indented under sections and repeat entries.

    With ``masked``, sensitive answers (names, contacts, exact coordinates) show as dots.
    """
    if masked:
        answers = mask_sensitive(form, answers)
    out: list[str] = []

    def visit(fields: list[Field], values: Mapping[str, Any], indent: str) -> None:
        for field in fields:
            label = text_in(field.label, lang)
            if field.type == "group":
                before = len(out)
                out.append(f"{indent}{label}")
                visit(field.fields or [], values, indent + "  ")
                if len(out) == before + 1:
                    out.pop()
                continue
            value = values.get(field.name)
            if value is None or field.type == "note":
                continue
            if field.type == "repeat" and isinstance(value, list):
                for index, entry in enumerate(value):
                    out.append(f"{indent}{label} {index + 1}")
                    if isinstance(entry, Mapping):
                        visit(field.fields or [], entry, indent + "  ")
                continue
            text = format_value(field, value, lang, files)
            out.append(f"{indent}{label}: {text}")

    visit(form.fields, answers, "")
    return out


def file_size(n: int) -> str:
    """A file size a person reads at a glance: 512 B, 3 KiB, 12 MiB, 2 GiB."""
    for unit in ("B", "KiB", "MiB"):
        if n < 1024:
            return f"{n} {unit}"
        n //= 1024
    return f"{n} GiB"

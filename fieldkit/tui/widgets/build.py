"""Builds the widget tree of a form and reads answers back out of it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from textual.widget import Widget

from fieldkit.tui.widgets.attachment import AttachmentField
from fieldkit.tui.widgets.base import FieldWidget
from fieldkit.tui.widgets.boolean import BooleanField
from fieldkit.tui.widgets.consent import ConsentField
from fieldkit.tui.widgets.date import DateField
from fieldkit.tui.widgets.group import GroupSection
from fieldkit.tui.widgets.location import LocationField
from fieldkit.tui.widgets.note import CalculateField, NoteField
from fieldkit.tui.widgets.number import NumberField
from fieldkit.tui.widgets.repeat import RepeatEntry, RepeatField
from fieldkit.tui.widgets.select import SelectField
from fieldkit.tui.widgets.text import TextField
from fieldkit.tui.widgets.time import TimeField
from forms import Field

WIDGETS: dict[str, type[FieldWidget]] = {
    "text": TextField,
    "integer": NumberField,
    "decimal": NumberField,
    "boolean": BooleanField,
    "date": DateField,
    "time": TimeField,
    "select_one": SelectField,
    "select_multiple": SelectField,
    "location": LocationField,
    "consent": ConsentField,
    "note": NoteField,
    "attachment": AttachmentField,
    "calculate": CalculateField,
    "repeat": RepeatField,
}
"""The widget class for each field type (groups are sections, not fields)."""


def consent_first(fields: list[Field]) -> list[Field]:
    """The form's top-level fields with any consent block moved to the front."""
    consent = [f for f in fields if f.type == "consent"]
    return consent + [f for f in fields if f.type != "consent"]


def build_fields(
    fields: list[Field], lang: str, prefix: str, answers: Mapping[str, Any]
) -> list[Widget]:
    """One widget per field (sections for groups), filled with the stored ``answers``."""
    out: list[Widget] = []
    for field in fields:
        if field.type == "group":
            section = GroupSection(field, lang=lang, prefix=prefix)
            children = build_fields(field.fields or [], lang, prefix, answers)
            section.compose_add_child(section.title_widget())
            for child in children:
                section.compose_add_child(child)
            out.append(section)
        elif field.type == "repeat":
            out.append(
                RepeatField(
                    field, lang=lang, prefix=prefix, value=answers.get(field.name),
                    builder=build_fields,
                )
            )
        else:
            widget_class = WIDGETS[field.type]
            out.append(widget_class(field, lang=lang, prefix=prefix, value=answers.get(field.name)))
    return out


def _own_fields(container: Widget) -> Iterator[FieldWidget]:
    """Field widgets answering at this level (through sections, not into repeats)."""
    for child in container.children:
        if isinstance(child, FieldWidget):
            yield child
        elif isinstance(child, RepeatEntry):
            continue
        else:
            yield from _own_fields(child)


def collect_answers(container: Widget) -> dict[str, Any]:
    """The answers held by the widgets in ``container``, keyed by field name."""
    out: dict[str, Any] = {}
    for widget in _own_fields(container):
        if widget.field.type in ("note", "calculate"):
            continue
        value = widget.answer()
        if value is not None and value != []:
            out[widget.field.name] = value
    return out


def set_prefix(container: Widget, prefix: str) -> None:
    """Re-path every field in ``container`` after an entry above it was removed."""
    for child in container.children:
        if isinstance(child, FieldWidget | GroupSection):
            child.prefix = prefix
        if isinstance(child, RepeatField):
            child.renumber()
        elif not isinstance(child, RepeatEntry) or child is container:
            set_prefix(child, prefix)


def all_fields(container: Widget) -> list[FieldWidget | GroupSection]:
    """Every field widget and section, however deep, in screen order."""
    out: list[FieldWidget | GroupSection] = []
    for child in container.walk_children(with_self=False):
        if isinstance(child, FieldWidget | GroupSection):
            out.append(child)
    return out

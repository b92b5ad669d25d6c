"""What other parts derive from answers: search text, masked copies and facets."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from forms import locations
from forms.compile import Plan
from forms.loader import compiled_form
from forms.model import Form
from forms.termkeys import (
    FORM_NAMESPACE,
    LabelCatalogue,
    clean_text,
    namespace_of,
    term_key,
)
from forms.vocab import vocabulary

MASK = "•••"


@dataclass(frozen=True)
class Facets:
    """The few values case lists and the dashboard group by."""

    date: str | None
    """ISO date at its best known precision: ``2024-03-05``, ``2024-03``, ``2024``."""
    state: str | None
    township: str | None
    violation_types: tuple[str, ...]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@functools.lru_cache(maxsize=64)
def _form_key(form_id: str) -> str:
    return term_key(FORM_NAMESPACE, form_id)


@functools.lru_cache(maxsize=4096)
def _place_lines(code: str) -> tuple[str, ...]:
    """A place's names in both languages, NFC (a record names the same few places often)."""
    if not locations.level_of(code):
        return ()
    return tuple(dict.fromkeys(_nfc(locations.location_label(code, lang)) for lang in ("en", "my")))


@functools.lru_cache(maxsize=1)
def _consent_keys() -> dict[str, str]:
    return {t.code: term_key("consent_scopes", t.code) for t in vocabulary("consent_scopes").terms}


def index_text(form: Form, answers: Mapping[str, Any], *, include_sensitive: bool) -> str:
    """Text for full-text search: the free text and place names, then the keys of the
    form and of every chosen term (see :mod:`forms.termkeys`).

    Sensitive fields (and everything in a sensitive group) are left out unless
    ``include_sensitive``; coordinates and attachment digests never go in.
    The text is in NFC and holds each piece (a line of text, a key) once:
    repeating a piece would make the index bigger and slower, never find more.
    """
    compiled = compiled_form(form)
    steps = compiled.index_steps.get(include_sensitive)
    if steps is None:
        steps = compiled.index_steps[include_sensitive] = _index_steps(
            form, compiled.plans, include_sensitive
        )
    parts: dict[str, None] = {}
    keys: dict[str, None] = {_form_key(form.id): None}
    _index(steps, answers, parts, keys)
    parts.pop("", None)
    parts[" ".join(keys)] = None
    return "\n".join(parts)


# What a field gives the search text (steps in form order, repeats nested).
_TEXT, _ONE, _MULTIPLE, _LOCATION, _CONSENT, _REPEAT = (
    "text", "select_one", "select_multiple", "location", "consent", "repeat"
)
_IndexStep = tuple[str, str, Any]


def _index_steps(form: Form, plans: list[Plan], include_sensitive: bool) -> list[_IndexStep]:
    """The fields that can give search text, groups flattened, worked out once per form.

    A sensitive field is left out with everything under it: its children are
    sensitive too (compile passes sensitivity down).
    """
    steps: list[_IndexStep] = []
    for plan in plans:
        kind = plan.type
        if kind == "group":
            steps.extend(_index_steps(form, plan.children, include_sensitive))
            continue
        if plan.sensitive and not include_sensitive:
            continue
        if kind in (_ONE, _MULTIPLE):
            namespace = namespace_of(form, plan)
            if namespace is not None and plan.vocabulary is not None:
                codes = {t.code: term_key(namespace, t.code) for t in plan.vocabulary.terms}
                steps.append((kind, plan.name, codes))
        elif kind == _REPEAT:
            steps.append((kind, plan.name, _index_steps(form, plan.children, include_sensitive)))
        elif kind in (_TEXT, _LOCATION, _CONSENT):
            steps.append((kind, plan.name, None))
    return steps


def _index(steps: list[_IndexStep], answers: Mapping[str, Any], parts: dict[str, None],
           keys: dict[str, None]) -> None:
    add = parts.setdefault
    add_key = keys.setdefault
    get = answers.get
    for kind, name, extra in steps:
        value = get(name)
        if value is None:
            continue
        if kind == _TEXT:
            if isinstance(value, str):
                add(clean_text(value))
        elif kind == _ONE:
            if isinstance(value, str):
                key = extra.get(value)
                if key:
                    add_key(key)
        elif kind == _MULTIPLE:
            if isinstance(value, list):
                for code in value:
                    if isinstance(code, str):
                        key = extra.get(code)
                        if key:
                            add_key(key)
        elif kind == _REPEAT:
            if isinstance(value, list):
                for entry in value:
                    if isinstance(entry, Mapping):
                        _index(extra, entry, parts, keys)
        elif kind == _LOCATION:
            if isinstance(value, Mapping):
                for level in ("state", "township", "village_tract"):
                    code = value.get(level)
                    if isinstance(code, str):
                        for line in _place_lines(code):
                            add(line)
                if isinstance(value.get("village"), str):
                    add(clean_text(value["village"]))
        elif isinstance(value, Mapping):  # consent
            scopes = _consent_keys()
            for code in value.get("scopes") or []:
                if isinstance(code, str) and code in scopes:
                    add_key(scopes[code])


def label_catalogue(forms: Iterable[Form]) -> LabelCatalogue:
    """The labels behind every key that records of ``forms`` can hold."""
    catalogue = LabelCatalogue()
    consent = vocabulary("consent_scopes")
    for term in consent.terms:
        catalogue.add(term_key("consent_scopes", term.code), term.label)
    for form in forms:
        catalogue.add_form(form, _flat_all(compiled_form(form).plans))
    return catalogue


def _flat_all(plans: list[Plan]) -> list[Plan]:
    """Every plan, groups and repeats opened."""
    out: list[Plan] = []
    for plan in plans:
        out.append(plan)
        if plan.children:
            out.extend(_flat_all(plan.children))
    return out


def mask_sensitive(form: Form, answers: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the answers with every sensitive value replaced by ``•••``.

    Exact coordinates are always treated as sensitive.
    """
    return _mask(compiled_form(form).plans, answers)


def _mask(plans: list[Plan], answers: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(answers)
    for plan in _flat(plans):
        if plan.name not in out or out[plan.name] is None:
            continue
        value = out[plan.name]
        if plan.sensitive:
            out[plan.name] = MASK
        elif plan.type == "repeat" and isinstance(value, list):
            out[plan.name] = [
                _mask(plan.children, entry) if isinstance(entry, Mapping) else entry
                for entry in value
            ]
        elif plan.type == "location" and isinstance(value, Mapping):
            if value.get("coordinates") is not None:
                out[plan.name] = {**value, "coordinates": MASK}
    return out


def _flat(plans: list[Plan]) -> list[Plan]:
    out: list[Plan] = []
    for plan in plans:
        if plan.type == "group":
            out.extend(_flat(plan.children))
        else:
            out.append(plan)
    return out


def _values_at(
    flat: list[Plan], answers: Mapping[str, Any], chain: tuple[str, ...]
) -> list[tuple[Plan, Any]]:
    """Follow a dotted facet path through repeats, collecting every value found."""
    # ``flat`` is a scope's pre-flattened plans (groups see-through), so no
    # lookup table is built per record.
    plan = next((p for p in flat if p.name == chain[0] and p.type != "group"), None)
    value = answers.get(chain[0])
    if plan is None or value is None:
        return []
    if len(chain) == 1:
        return [(plan, value)]
    found: list[tuple[Plan, Any]] = []
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, Mapping):
                found.extend(_values_at(plan.flat, entry, chain[1:]))
    return found


def facets(form: Form, answers: Mapping[str, Any]) -> Facets:
    """Date, state, township and violation types of a record, for lists and counts."""
    compiled = compiled_form(form)
    date: str | None = None
    if compiled.facet_date:
        for _plan, value in _values_at(compiled.flat, answers, compiled.facet_date):
            if isinstance(value, Mapping) and isinstance(value.get("value"), str):
                date = value["value"]
                break
    state = township = None
    if compiled.facet_location:
        for _plan, value in _values_at(compiled.flat, answers, compiled.facet_location):
            if isinstance(value, Mapping):
                state, township = value.get("state"), value.get("township")
                break
    violations: list[str] = []
    if compiled.facet_violations:
        for _plan, value in _values_at(compiled.flat, answers, compiled.facet_violations):
            codes = value if isinstance(value, list) else [value]
            for code in codes:
                if isinstance(code, str) and code not in violations:
                    violations.append(code)
    return Facets(date=date, state=state, township=township, violation_types=tuple(violations))

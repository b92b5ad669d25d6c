"""Loading form definitions from YAML and JSON, and their canonical JSON form."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import rfc8785
from pydantic import ValidationError

from forms.compile import Compiled, Plan, compile_form
from forms.errors import FormError
from forms.model import Form
from forms.source import LineMap, parse_json, parse_yaml, schema_error
from forms.values import Bad, parse_value


def _build(data: Any, source: str, lines: LineMap) -> Form:
    if not isinstance(data, dict):
        raise FormError(
            "expected a mapping with id, version, title, languages and fields",
            file=source,
            line=lines.line(()),
        )
    try:
        form = Form.model_validate(data)
    except ValidationError as exc:
        raise schema_error(exc, Form, source, lines) from None
    compiled = compile_form(form, source, lines)
    _check_defaults(compiled.plans, source, lines)
    form._compiled = compiled
    return form


def _check_defaults(plans: list[Plan], source: str, lines: LineMap) -> None:
    for plan in plans:
        if plan.field.default is not None:
            try:
                parse_value(plan, plan.field.default, dt.date.max)
            except Bad as exc:
                loc = (*_loc(plan.where), "default")
                raise FormError(
                    f"the default is not a valid {plan.type} answer ({exc.key.replace('_', ' ')})",
                    file=source,
                    path=f"{plan.where}.default",
                    line=lines.line(loc),
                ) from None
        _check_defaults(plan.children, source, lines)


def _loc(where: str) -> tuple[str | int, ...]:
    """``fields[3].fields[0]`` back to ("fields", 3, "fields", 0)."""
    out: list[str | int] = []
    for part in where.split("."):
        name, _, rest = part.partition("[")
        out.append(name)
        if rest:
            out.append(int(rest.rstrip("]")))
    return tuple(out)


def load_form_text(text: str, source: str = "<string>") -> Form:
    """Parse and check a YAML form definition; errors name ``source``, the path and line."""
    data, lines = parse_yaml(text, source)
    return _build(data, source, lines)


def load_form_file(path: str | Path) -> Form:
    """Load a YAML (``.yaml``/``.yml``) or JSON (``.json``) form definition."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FormError(f"cannot read the file ({exc.strerror})", file=path.name) from None
    if path.suffix == ".json":
        return form_from_json(raw, source=path.name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FormError("the file is not UTF-8 text", file=path.name) from None
    return load_form_text(text, source=path.name)


def form_to_json(form: Form) -> bytes:
    """RFC 8785 canonical JSON of the definition (travels in bundles)."""
    data = form.model_dump(mode="json", exclude_defaults=True)
    # Keys left at their defaults are dropped, so equal forms give equal bytes.
    return bytes(rfc8785.dumps(data))


def form_from_json(data: bytes, source: str = "<bundle>") -> Form:
    """Parse a JSON definition with the same checks as YAML loading."""
    value, lines = parse_json(data, source)
    return _build(value, source, lines)


def compiled_form(form: Form) -> Compiled:
    """The pre-compiled plan of a form (built once, also for forms made in code)."""
    compiled = form._compiled
    if compiled is None:
        compiled = compile_form(form, f"{form.id}@{form.version}", LineMap())
        form._compiled = compiled
    assert isinstance(compiled, Compiled)
    return compiled


def form_json_dict(form: Form) -> dict[str, Any]:
    """The definition as a JSON-ready dict (for the CLI's ``--json`` output)."""
    parsed = json.loads(form_to_json(form))
    assert isinstance(parsed, dict)
    return parsed

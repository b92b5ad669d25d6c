"""The scenario format: a fictional testimony, the form to fill, the expected answers,
guidance per field, and how each field is scored.

Scenarios are YAML, validated like forms: every error names the file, the path
in the scenario and the line, and says what is expected.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic import Field as PydanticField

from forms import Form, FormError, library_form, validate_answers
from forms.source import LineMap, parse_yaml, schema_error

Label = dict[str, str]
LANGUAGES = ("en", "my")
MAX_SCENARIO_BYTES = 1024 * 1024

Method = Literal[
    "exact", "any_of", "date_within", "set_overlap", "count", "must_be_sensitive",
    "must_not_contain",
]
# A field path: names separated by dots, each optionally indexed [0] or [*];
# the last parts may reach into a structured answer (location.township).
_PATH = re.compile(r"^[a-z][a-z0-9_]*(\[(\d+|\*)\])?(\.[a-z][a-z0-9_]*(\[(\d+|\*)\])?)*$")


class ScenarioError(FormError):
    """This training scenario is not valid."""

    title = "Scenario rejected"
    hint = "Fix the scenario at the place named in the message and check it again."


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class FormRef(_Strict):
    """Which form and version the trainee fills."""

    id: str
    version: int = PydanticField(ge=1)


class Rule(_Strict):
    """How one field is scored."""

    field: str
    """Path into the answers, e.g. ``incident_date``, ``victims[*].victim_sex``."""
    method: Method = "exact"
    values: list[Any] | None = None
    """any_of: accepted answers; must_*: the words (e.g. a witness's name) to look for."""
    precision: Literal["day", "month", "year"] | None = None
    """date_within: how close the date must be to count as correct."""
    weight: int = PydanticField(default=1, ge=1, le=10)
    guidance: str | None = None
    """Which guidance entry to show with the result (default: the field's own)."""


class Scenario(_Strict):
    """One fictional case for a training walkthrough."""

    id: str = PydanticField(pattern=r"^[a-z][a-z0-9_\-]{0,63}$")
    version: int = PydanticField(ge=1)
    title: Label
    fictional: Literal[True]
    """Must be true: every person and place in a scenario is fictional or generic."""
    testimony: Label
    form: FormRef
    expected: dict[str, Any]
    guidance: dict[str, Label]
    scoring: list[Rule] = PydanticField(min_length=1)


def _labels(value: Label, where: str, source: str, lines: LineMap) -> None:
    loc = tuple(where.split("."))
    for lang in LANGUAGES:
        if not value.get(lang, "").strip():
            raise ScenarioError(
                f"missing '{lang}' text (expected text in English 'en' and Burmese 'my')",
                file=source, path=where, line=lines.line(loc),
            )


def _base_field(path: str) -> str:
    """The form field a rule path starts from, after any repeat: victims[*].victim_sex
    -> victim_sex; location.township -> location."""
    parts = [re.sub(r"\[.*\]$", "", p) for p in path.split(".")]
    return parts[0] if len(parts) == 1 else parts[0] if "[" not in path else parts[1]


def _check_rule(rule: Rule, index: int, form: Form, source: str, lines: LineMap) -> None:
    where = f"scoring[{index}]"

    def fail(message: str, key: str = "field") -> ScenarioError:
        return ScenarioError(
            message, file=source, path=f"{where}.{key}", line=lines.line(("scoring", index, key))
        )

    if not _PATH.match(rule.field):
        raise fail(f"'{rule.field}' is not a field path (expected e.g. victims[*].victim_sex)")
    head = re.sub(r"\[.*\]$", "", rule.field.split(".")[0])
    try:
        top = form.field(head)
    except KeyError:
        raise fail(f"the form '{form.id}' has no field '{head}'") from None
    if top.type == "repeat" and "." in rule.field and "[" not in rule.field.split(".")[0]:
        raise fail(f"'{head}' is a repeat group: write {head}[*] or {head}[0]")
    if top.type == "repeat" and "." in rule.field:
        inner = rule.field.split(".")[1].split("[")[0]
        if inner not in {f.name for f in top.fields or []}:
            raise fail(f"the repeat group '{head}' has no field '{inner}'")
    if rule.method in ("any_of", "must_be_sensitive", "must_not_contain") and not rule.values:
        raise fail(f"method '{rule.method}' needs a list of values", "values")
    if rule.method == "date_within" and rule.precision is None:
        raise fail("method 'date_within' needs precision: day, month or year", "precision")
    if rule.method == "count" and top.type != "repeat":
        raise fail(f"method 'count' needs a repeat group, and '{head}' is a {top.type}")


def _build(data: Any, source: str, lines: LineMap) -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError("expected a YAML mapping with id, title, testimony, form, ...",
                            file=source, line=1)
    if data.get("fictional") is not True:
        raise ScenarioError(
            "every scenario must be fictional: write 'fictional: true' once every person"
            " and place in it is invented or generic",
            file=source, path="fictional", line=lines.line(("fictional",)),
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        err = schema_error(exc, Scenario, source, lines)
        raise ScenarioError(err.detail, file=err.file, path=err.path, line=err.line) from None
    _labels(scenario.title, "title", source, lines)
    _labels(scenario.testimony, "testimony", source, lines)
    try:
        form = library_form(scenario.form.id, scenario.form.version)
    except FormError:
        raise ScenarioError(
            f"there is no built-in form '{scenario.form.id}' version {scenario.form.version}",
            file=source, path="form", line=lines.line(("form",)),
        ) from None
    result = validate_answers(form, scenario.expected)
    if not result.ok:
        first = result.errors[0]
        loc: list[str | int] = ["expected"]
        for name, index in re.findall(r"([a-z][a-z0-9_]*)(?:\[(\d+)\])?", first.path):
            loc.append(name)
            if index:
                loc.append(int(index))
        raise ScenarioError(
            f"the expected answers do not fill the form: {first.message}",
            file=source, path=f"expected.{first.path}", line=lines.line(tuple(loc)),
        )
    for key, label in scenario.guidance.items():
        try:
            form.field(key)
        except KeyError:
            raise ScenarioError(
                f"guidance for '{key}', which is not a field of the form '{form.id}'",
                file=source, path=f"guidance.{key}", line=lines.line(("guidance", key)),
            ) from None
        _labels(label, f"guidance.{key}", source, lines)
    for index, rule in enumerate(scenario.scoring):
        _check_rule(rule, index, form, source, lines)
        if rule.guidance is not None and rule.guidance not in scenario.guidance:
            raise ScenarioError(
                f"no guidance entry '{rule.guidance}'",
                file=source, path=f"scoring[{index}].guidance",
                line=lines.line(("scoring", index, "guidance")),
            )
    return scenario


def load_scenario_text(text: str, source: str = "<scenario>") -> Scenario:
    """Parse and check a scenario; raise ScenarioError naming the place of the problem."""
    try:
        data, lines = parse_yaml(text, source)
    except ScenarioError:
        raise
    except FormError as exc:
        raise ScenarioError(exc.detail, file=exc.file, path=exc.path, line=exc.line) from None
    return _build(data, source, lines)


def load_scenario_file(path: str | Path) -> Scenario:
    """Load a scenario file (at most 1 MiB of UTF-8 YAML)."""
    name = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_SCENARIO_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"cannot read the file ({exc.strerror})", file=name) from None
    if len(raw) > MAX_SCENARIO_BYTES:
        raise ScenarioError("the file is larger than 1 MiB", file=name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError("the file is not UTF-8 text", file=name) from None
    return load_scenario_text(text, name)


def scenario_form(scenario: Scenario) -> Form:
    return library_form(scenario.form.id, scenario.form.version)


BUILTIN_DIR = Path(__file__).with_name("scenarios")


def builtin_scenarios() -> list[Scenario]:
    """The scenarios that ship with fieldkit."""
    return [load_scenario_file(p) for p in sorted(BUILTIN_DIR.glob("*.yaml"))]


def load_scenarios(extra_dir: Path | None = None) -> tuple[list[Scenario], list[ScenarioError]]:
    """Built-in scenarios plus a trainer's folder; bad files are returned, not raised."""
    scenarios = builtin_scenarios()
    problems: list[ScenarioError] = []
    if extra_dir is not None and extra_dir.is_dir():
        for path in sorted(extra_dir.glob("*.yaml")):
            try:
                scenarios.append(load_scenario_file(path))
            except ScenarioError as exc:
                problems.append(exc)
    return scenarios, problems

"""Compare a trainee's answers with a scenario's expected answers, field by field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from fieldkit.training.scenario import Rule, Scenario, scenario_form
from forms import Field, Form, location_label, validate_answers, vocabulary

Verdict = Literal["correct", "partly", "wrong", "missing"]
CREDIT: dict[Verdict, float] = {"correct": 1.0, "partly": 0.5, "wrong": 0.0, "missing": 0.0}
_STEP = re.compile(r"^([a-z][a-z0-9_]*)(?:\[(\d+|\*)\])?$")
_DATE_LENGTH = {"year": 4, "month": 7, "day": 10}


@dataclass(frozen=True)
class FieldResult:
    """The result for one scored field."""

    field: str
    verdict: Verdict
    expected: str
    given: str
    guidance: dict[str, str]
    weight: int


@dataclass(frozen=True)
class ScoreReport:
    """Every scored field, the score and what to review."""

    scenario_id: str
    results: list[FieldResult]

    @property
    def score(self) -> int:
        """Percent, weighted, rounded down (100 only when everything is correct)."""
        total = sum(r.weight for r in self.results)
        got = sum(r.weight * CREDIT[r.verdict] for r in self.results)
        return int(100 * got / total) if total else 0

    @property
    def to_review(self) -> list[FieldResult]:
        return [r for r in self.results if r.verdict != "correct"]


def values_at(answers: Any, path: str) -> list[Any]:
    """All values at ``path``; ``[*]`` collects every item of a repeat group."""
    current: list[Any] = [answers]
    for step in path.split("."):
        match = _STEP.match(step)
        if match is None:
            return []
        name, index = match.group(1), match.group(2)
        nxt: list[Any] = []
        for value in current:
            if not isinstance(value, dict) or value.get(name) is None:
                continue
            item = value[name]
            if index is None:
                nxt.append(item)
            elif isinstance(item, list):
                if index == "*":
                    nxt.extend(item)
                elif int(index) < len(item):
                    nxt.append(item[int(index)])
        current = nxt
    return current


def _flat(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        out.extend(value if isinstance(value, list) else [value])
    return out


def _target(form: Form, path: str) -> tuple[Field | None, str | None]:
    """The form field a path ends in, and the key inside its answer (location.township)."""
    found: Field | None = None
    sub: str | None = None
    for step in path.split("."):
        name = step.split("[")[0]
        try:
            found, sub = form.field(name), None
        except KeyError:
            sub = name
    return found, sub


def _code_label(field: Field | None, sub: str | None, code: Any, lang: str) -> str:
    """A trainee's word for a stored code: a place name, a term's label."""
    if not isinstance(code, str) or field is None:
        return str(code)
    try:
        if field.type == "location" and sub in ("state", "township", "village_tract"):
            return location_label(code, lang)
        if field.type == "consent" and sub == "scopes":
            return vocabulary("consent_scopes").label(code, lang)
        if field.type in ("select_one", "select_multiple"):
            if isinstance(field.choices, str):
                return vocabulary(field.choices).label(code, lang)
            for choice in field.choices or []:
                if choice.code == code:
                    return choice.label.get(lang) or choice.label.get("en") or code
    except KeyError:
        pass
    return code


def _show(form: Form, path: str, values: list[Any], lang: str) -> str:
    if not values:
        return "(nothing)"
    field, sub = _target(form, path)
    parts = []
    for value in values:
        if isinstance(value, dict) and "precision" in value:
            parts.append(str(value.get("value") or value.get("precision")))
        elif isinstance(value, list):
            parts.append(", ".join(_code_label(field, sub, v, lang) for v in value))
        else:
            parts.append(_code_label(field, sub, value, lang))
    return "; ".join(parts)


def _count_text(values: list[Any]) -> str:
    n = len(_flat(values))
    return "1 entry" if n == 1 else f"{n} entries"


def _date_text(value: Any) -> str | None:
    if isinstance(value, dict):
        text = value.get("value")
        return text if isinstance(text, str) else None
    return value if isinstance(value, str) else None


def _texts(form: Form, answers: Any, sensitive: bool | None) -> list[str]:
    """Every free-text answer, optionally only of (non-)sensitive fields."""
    out: list[str] = []

    def visit(fields: Any, data: Any) -> None:
        if not isinstance(data, dict):
            return
        for field in fields:
            value = data.get(field.name)
            if field.type == "repeat" and isinstance(value, list):
                for item in value:
                    visit(field.fields or [], item)
            elif field.type == "group":
                visit(field.fields or [], data)
            elif isinstance(value, str) and (sensitive is None or field.sensitive == sensitive):
                out.append(value)

    visit(form.fields, answers)
    return out


def _judge(rule: Rule, form: Form, expected: dict[str, Any], given: dict[str, Any]) -> Verdict:
    want = values_at(expected, rule.field)
    got = values_at(given, rule.field)
    method = rule.method
    if method == "must_not_contain":
        if not got:
            return "missing"
        words = [str(v).casefold() for v in rule.values or []]
        text = " ".join(str(v) for v in _flat(got)).casefold()
        return "wrong" if any(w in text for w in words) else "correct"
    if method == "must_be_sensitive":
        words = [str(v).casefold() for v in rule.values or []]
        open_text = " ".join(_texts(form, given, sensitive=False)).casefold()
        closed_text = " ".join(_texts(form, given, sensitive=True)).casefold()
        if any(w in open_text for w in words):
            return "wrong"
        return "correct" if any(w in closed_text for w in words) else "missing"
    if method == "count":
        have = len(_flat(got))
        need = len(_flat(want))
        if have == need:
            return "correct"
        return "missing" if have == 0 else "partly" if abs(have - need) == 1 else "wrong"
    if not got or all(v in (None, "", []) for v in got):
        return "missing"
    if method == "exact":
        return "correct" if got == want else "wrong"
    if method == "any_of":
        accepted = [*(rule.values or []), *want]
        return "correct" if all(v in accepted for v in _flat(got)) else "wrong"
    if method == "set_overlap":
        a = {str(v) for v in _flat(got)}
        b = {str(v) for v in _flat(want)}
        if a == b:
            return "correct"
        return "partly" if a & b else "wrong"
    if method == "date_within":
        expected_date = _date_text(want[0]) if want else None
        given_date = _date_text(got[0])
        if given_date is None:
            return "missing"
        if expected_date is None:
            return "wrong"
        need = _DATE_LENGTH[rule.precision or "day"]
        if len(given_date) >= need and given_date[:need] == expected_date[:need]:
            return "correct"
        for coarser in ("month", "year"):
            n = _DATE_LENGTH[coarser]
            if n < need and given_date[:n] == expected_date[:n] and len(given_date) >= n:
                return "partly"
        return "wrong"
    raise AssertionError(f"unhandled method {method}")


def _guidance(scenario: Scenario, rule: Rule) -> dict[str, str]:
    key = rule.guidance
    if key is None:
        names = [s.split("[")[0] for s in rule.field.split(".")]
        key = next((n for n in reversed(names) if n in scenario.guidance), None)
    return dict(scenario.guidance.get(key, {})) if key else {}


def score(scenario: Scenario, answers: dict[str, Any], *, lang: str = "en") -> ScoreReport:
    """Score ``answers`` (as the trainee entered them) against ``scenario``; expected and
    given values are shown with their labels in ``lang``."""
    form = scenario_form(scenario)
    # Compare normalised answers, so that the same answer typed two ways (a
    # missing "around": false, an integer as text) scores the same.
    checked = validate_answers(form, answers, partial=True)
    if not checked.errors:
        answers = checked.answers
    expected = validate_answers(form, scenario.expected).answers
    results = []
    for rule in scenario.scoring:
        verdict = _judge(rule, form, expected, answers)
        shown_want = values_at(scenario.expected, rule.field)
        if rule.method in ("must_be_sensitive", "must_not_contain"):
            expected_text = "no names outside sensitive fields" if (
                rule.method == "must_be_sensitive") else "no witness name in this text"
            given_text = "ok" if verdict == "correct" else "see guidance"
        elif rule.method == "count":
            expected_text = _count_text(shown_want)
            given_text = _count_text(values_at(answers, rule.field))
        else:
            expected_text = _show(form, rule.field, shown_want, lang)
            given_text = _show(form, rule.field, values_at(answers, rule.field), lang)
        results.append(
            FieldResult(rule.field, verdict, expected_text, given_text,
                        _guidance(scenario, rule), rule.weight)
        )
    return ScoreReport(scenario.id, results)

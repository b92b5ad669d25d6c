"""The single-pass validator gives exactly what the two-pass validator of 3ec8512 gave.

``_Reference`` below is that validator, kept verbatim in substance (only its
per-form cache is gone): every answer typed first, then relevance,
requirements and constraints in order. It is compared with
``validate_answers`` (answers with their key order, errors with paths and
messages, dropped paths) on the library forms and on small forms built to
exercise what the library does not: expressions looking ahead (the two-pass
fallback), ``.`` in relevance, groups and notes with relevance, calculations
and nested repeats.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import unicodedata
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import library_example, library_form, library_forms, load_form_text
from forms.compile import Compiled, Plan
from forms.expr import truthy
from forms.expr.closures import Compiled as CompiledExpr
from forms.loader import compiled_form
from forms.messages import message
from forms.model import Form
from forms.validate import AnswerError, _prepare, validate_answers
from forms.values import _NFC_ALPHABET, Bad, ExprValue, nfc, parser_for, to_json

TODAY = dt.date(2024, 6, 15)
IDS = [form.id for form in library_forms()]
FAST = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- the reference: validation as of 3ec8512 -------------------------------------------

_ABSENT = object()


class _RefScope:
    def __init__(self, parent: _RefScope | None, today: dt.date) -> None:
        self.parent = parent
        self.values: dict[str, ExprValue] = {}
        self._current: ExprValue = None
        self._today = today

    def lookup(self, name: str) -> ExprValue:
        scope: _RefScope | None = self
        while scope is not None:
            if name in scope.values:
                return scope.values[name]
            scope = scope.parent
        return None

    def current(self) -> ExprValue:
        return self._current

    def today(self) -> dt.date:
        return self._today


class _Reference:
    def __init__(self, lang: str, today: dt.date, partial: bool) -> None:
        self.lang, self.today, self.partial = lang, today, partial
        self.errors: list[AnswerError] = []
        self.dropped: list[str] = []

    def error(self, path: str, key: str, **params: Any) -> None:
        self.errors.append(AnswerError(path, message(key, self.lang, **params)))

    def check(self, fn: CompiledExpr, scope: _RefScope, current: ExprValue,
              path: str) -> bool | None:
        scope._current = current
        try:
            value = fn(scope)  # type: ignore[arg-type]
        except Exception:
            self.error(path, "expression_failed")
            return None
        return truthy(value)

    def scope(self, owner: Compiled | Plan, plans: list[Plan], raw: Mapping[str, Any],
              parent: _RefScope | None, prefix: str) -> dict[str, Any]:
        names = owner.flat_names
        scope = _RefScope(parent, self.today)
        if not names.issuperset(raw):
            for key in raw:
                if key not in names:
                    self.error(f"{prefix}{key}", "unknown_field")
        parsed: dict[str, Any] = {}
        bad: dict[str, Bad] = {}
        for plan in owner.flat:
            name, kind = plan.name, plan.type
            if kind == "calculate":
                continue
            if kind in ("note", "group"):
                if raw.get(name) is not None:
                    self.error(f"{prefix}{name}", "no_answer")
                continue
            value = raw.get(name, _ABSENT)
            if value is _ABSENT:
                value = plan.field.default
            if kind == "repeat":
                if value is None:
                    value = []
                if not isinstance(value, list):
                    bad[name] = Bad("expected_list")
                    value = []
                parsed[name] = value
                scope.values[name] = len(value)
                continue
            if value is None:
                continue
            try:
                json_value, expr_value = parser_for(kind)(plan, value, self.today)
            except Bad as exc:
                bad[name] = exc
                continue
            if json_value is not None:
                parsed[name] = json_value
                scope.values[name] = expr_value
        out: dict[str, Any] = {}
        self.fields(plans, raw, parsed, bad, scope, prefix, out, relevant=True)
        return out

    def fields(self, plans: list[Plan], raw: Mapping[str, Any], parsed: dict[str, Any],
               bad: dict[str, Bad], scope: _RefScope, prefix: str, out: dict[str, Any],
               relevant: bool) -> None:
        values = scope.values
        for plan in plans:
            name, kind = plan.name, plan.type
            here = relevant
            if here and plan.relevant_fn is not None:
                here = self.check(plan.relevant_fn, scope, scope.lookup(name),
                                  prefix + name) is True
            if kind == "group":
                self.fields(plan.children, raw, parsed, bad, scope, prefix, out, here)
                continue
            if not here:
                if raw.get(name) not in (None, [], "") and kind != "calculate":
                    self.dropped.append(prefix + name)
                values[name] = None
                parsed.pop(name, None)
                continue
            if kind == "note":
                continue
            if kind == "calculate":
                assert plan.calculation_fn is not None
                scope._current = None
                try:
                    value = plan.calculation_fn(scope)  # type: ignore[arg-type]
                except Exception:
                    self.error(prefix + name, "expression_failed")
                    continue
                values[name] = value
                if to_json(value) is not None:
                    out[name] = to_json(value)
                continue
            problem = bad.get(name)
            if problem is not None:
                self.error(prefix + name + problem.sub, problem.key, **problem.params)
                continue
            if kind == "repeat":
                self.repeat(plan, parsed.get(name, []), scope, prefix + name, out)
                continue
            value = parsed.get(name)
            if value is None:
                if not self.partial:
                    if plan.required_fn is None:
                        needed = plan.required is True
                    else:
                        needed = self.check(plan.required_fn, scope, None,
                                            prefix + name) is True
                    if needed:
                        self.error(prefix + name, "required")
                continue
            if plan.choice_filter_fn is not None:
                codes = value if isinstance(value, list) else [value]
                for index, code in enumerate(codes):
                    where = f"{prefix}{name}[{index}]" if isinstance(value, list) \
                        else prefix + name
                    if self.check(plan.choice_filter_fn, scope, code, where) is False:
                        self.error(where, "filtered_choice")
            if plan.constraint_fn is not None:
                path = prefix + name
                if self.check(plan.constraint_fn, scope, values.get(name), path) is False:
                    text = plan.field.constraint_message
                    if text:
                        chosen = text.get(self.lang) or text.get("en") or next(
                            iter(text.values()))
                        self.errors.append(AnswerError(path, chosen))
                    else:
                        self.error(path, "constraint")
            out[name] = value

    def repeat(self, plan: Plan, entries: list[Any], scope: _RefScope, path: str,
               out: dict[str, Any]) -> None:
        field = plan.field
        if len(entries) < field.min_repeat and not self.partial:
            key = "too_few_one" if field.min_repeat == 1 else "too_few"
            self.error(path, key, count=field.min_repeat)
        if field.max_repeat is not None and len(entries) > field.max_repeat:
            key = "too_many_one" if field.max_repeat == 1 else "too_many"
            self.error(path, key, count=field.max_repeat)
        results: list[dict[str, Any]] = []
        for index, entry in enumerate(entries):
            where = f"{path}[{index}]"
            if not isinstance(entry, Mapping):
                self.error(where, "expected_object")
                continue
            results.append(self.scope(plan, plan.children, entry, scope, where + "."))
        if results:
            out[plan.name] = results


def _reference(form: Form, answers: Any, lang: str, partial: bool) -> tuple[Any, ...]:
    compiled = compiled_form(form)
    run = _Reference(lang, TODAY, partial)
    if not isinstance(answers, Mapping):
        run.error("", "expected_object")
        return _shape({}, run.errors, run.dropped)
    out = run.scope(compiled, compiled.plans, answers, None, "")
    return _shape(out, run.errors, run.dropped)


def _shape(answers: dict[str, Any], errors: list[AnswerError],
           dropped: list[str]) -> tuple[Any, ...]:
    # No sort_keys: the order of the normalised answers must not change either.
    return (json.dumps(answers, ensure_ascii=False), [(e.path, e.message) for e in errors],
            list(dropped))


def _fast(form: Form, answers: Any, lang: str, partial: bool) -> tuple[Any, ...]:
    result = validate_answers(form, answers, lang=lang, today=TODAY, partial=partial)
    return _shape(result.answers, result.errors, result.dropped)


def _two_pass(form: Form, answers: Any, lang: str, partial: bool) -> tuple[Any, ...]:
    """validate_answers with every scope forced onto its two-pass fallback."""
    compiled = compiled_form(form)
    _prepare(compiled, single_pass=False)
    try:
        return _fast(form, answers, lang, partial)
    finally:
        _prepare(compiled)


def _same(form: Form, answers: Any, lang: str = "en", partial: bool = False) -> None:
    expected = _reference(form, copy.deepcopy(answers), lang, partial)
    assert _fast(form, answers, lang, partial) == expected
    assert _two_pass(form, answers, lang, partial) == expected


# -- answers to try ------------------------------------------------------------------

_JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 200), st.floats(allow_nan=False, width=32),
    st.sampled_from(["", "   ", "not_a_code", "yes", "no", "other", "male", "female",
                     "2024-13-40", "2024-03-05", "2024", "10:30", "x\ny", "MMR005", "  spaced  ",
                     "Cafe\u0301", "\u1000\u103a\u1037", "e" * 130]),
    st.lists(st.sampled_from(["not_a_code", "civilian", "airstrike", "yes", 3, None]),
             max_size=3),
    # Fresh containers each time: tests insert entries into the repeats they draw.
    st.builds(lambda: {"state": "MMR005"}), st.builds(dict), st.builds(lambda: [{}]),
    st.builds(lambda: [1, "x"]),
)


def _mutations(example: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The example with answers dropped, swapped for other types or out of vocabulary,
    repeat entries copied (many times) or mangled, and relevance switched off."""
    keys = sorted(example)

    @st.composite
    def mutate(draw: st.DrawFn) -> dict[str, Any]:
        answers = copy.deepcopy(example)
        for key in draw(st.lists(st.sampled_from(keys), max_size=5)):
            action = draw(st.sampled_from(["drop", "junk", "repeat", "inner", "inner"]))
            value = answers.get(key)
            if action == "drop":
                answers.pop(key, None)
            elif action == "junk":
                answers[key] = draw(_JUNK)
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                entry = copy.deepcopy(draw(st.sampled_from(value)))
                if action == "repeat":
                    value.extend(copy.deepcopy([entry] * draw(st.integers(1, 60))))
                else:
                    inner = sorted(entry)
                    for name in draw(st.lists(st.sampled_from(inner), max_size=3)) if inner \
                            else []:
                        entry[name] = draw(_JUNK)
                    if draw(st.booleans()):
                        entry.pop(draw(st.sampled_from(inner)), None) if inner else None
                    value.insert(draw(st.integers(0, len(value))), entry)
        if draw(st.booleans()):
            answers[draw(st.sampled_from(["extra", "victims", "acts", "safety_note",
                                          "overview"]))] = draw(_JUNK)
        return answers

    return mutate()


# Answers that switch relevance off while the dependent answers stay given.
_SWITCHES: dict[str, list[dict[str, Any]]] = {
    "incident": [
        {"follow_up": "no", "follow_up_notes": "notes that will be dropped"},
        {"follow_up": None, "follow_up_notes": ""},
        {"victims": [{"victim_sex": "male", "victim_pregnant": "no", "victim_status": "dead",
                      "victim_age": 30, "victim_age_group": "18_59",
                      "victim_disability": "no", "victim_disability_types": ["walking"]}]},
        {"perpetrators": [{"perpetrator_type": "military", "commander_known": False,
                           "commander_name": "X", "commander_rank": "general"}]},
        {"acts": [{"violation": "airstrike", "violation_other": "dropped"},
                  {"violation": "other"}, {"violation": "other", "violation_other": "ok"}]},
    ],
}


@pytest.mark.parametrize("form_id", IDS)
def test_library_examples_validate_as_before(form_id: str) -> None:
    form = library_form(form_id)
    example = library_example(form_id)
    for lang in ("en", "my"):
        for partial in (False, True):
            _same(form, example, lang, partial)
            _same(form, {}, lang, partial)
            _same(form, {key: None for key in example}, lang, partial)
    for switch in _SWITCHES.get(form_id, []):
        _same(form, {**example, **switch})
    for wrong in (None, [], "text", 3, [example]):
        _same(form, wrong)


@pytest.mark.parametrize("form_id", IDS)
def test_mutated_library_answers_validate_as_before(form_id: str) -> None:
    form = library_form(form_id)

    @FAST
    @given(_mutations(library_example(form_id)), st.booleans(), st.sampled_from(["en", "my"]))
    def check(answers: dict[str, Any], partial: bool, lang: str) -> None:
        _same(form, answers, lang, partial)

    check()


def test_a_repeat_heavy_record_validates_as_before() -> None:
    form = library_form("incident")
    example = library_example("incident")
    answers = {**example, "victims": example["victims"] * 250,
               "acts": example["acts"] * 17, "sources": example["sources"] * 30}
    _same(form, answers)
    _same(form, answers, "my", True)


# -- small forms for what the library does not have ------------------------------------


def _field(name: str, kind: str, **options: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "label": {"en": name, "my": name}, **options}


_YES_NO = [{"code": "yes", "label": {"en": "Yes", "my": "Y"}},
           {"code": "no", "label": {"en": "No", "my": "N"}},
           {"code": "other", "label": {"en": "Other", "my": "O"}}]


def _form(form_id: str, fields: list[dict[str, Any]]) -> Form:
    text = json.dumps({"id": form_id, "version": 1, "title": {"en": "T", "my": "T"},
                       "languages": ["en", "my"], "fields": fields})
    return load_form_text(text)  # JSON is YAML


def _shapes(kind: str) -> list[dict[str, Any]]:
    inner = [
        _field("x", "integer", constraint=". < 50 and . != ${count}"),
        _field("y", "select_one", choices=_YES_NO, choice_filter=". != 'other' or ${x} > 3"),
        _field("xs", "select_multiple", choices=_YES_NO, choice_filter=". != ${y}"),
        _field("deep", "repeat", fields=[
            _field("d1", "text", required="${x} > 1", relevant="${y} != 'no'"),
            _field("d2", "decimal", constraint=". > ${x}"),
        ]),
        _field("xt", "calculate", calculation="${x} + count-selected(${xs})"),
    ]
    if kind == "ahead":
        # Relevance inside the repeat looks at a later field of the form and of the entry.
        inner.append(_field("z", "text", relevant="${tail} = 'yes' and ${zz} != 1"))
        inner.append(_field("zz", "integer"))
    fields = [
        _field("intro", "note"),
        _field("a", "integer", relevant="${b} > 0" if kind == "ahead" else "true()"),
        _field("b", "integer", default=1),
        _field("t", "text", required=True, relevant=". != 'skip'" if kind == "dot" else None),
        _field("g", "group", relevant="${a} = 1", fields=[
            _field("n1", "note", relevant="${b} = 2"),
            _field("c", "text", required="${a} > 5", multiline=True),
            _field("h", "group", fields=[
                _field("d", "calculate", calculation="${a} + ${b}"),
                _field("e", "boolean", constraint="${d} > 2"),
                _field("bad_calc", "calculate", calculation="date(${t})"),
            ]),
        ]),
        _field("count", "calculate", calculation="${b} * 2"),
        _field("r", "repeat", min_repeat=1, max_repeat=3, relevant="${b} != 9", fields=inner),
        _field("when", "date", relevant="${e}"),
        _field("where", "location", relevant="${a} > 0"),
        _field("tail", "select_one", choices=_YES_NO, required=True),
        _field("tail_note", "text", relevant="${tail} = 'yes'", constraint="string-length(.) > 2",
               constraint_message={"en": "Longer.", "my": "L"}),
        _field("files", "attachment", multiple=True),
        _field("at", "time"),
    ]
    if kind == "dot":
        fields[3]["relevant"] = ". != 'skip'"
    return [{k: v for k, v in item.items() if v is not None} for item in fields]


SHAPES = {kind: _form(f"shape-{kind}", _shapes(kind)) for kind in ("inorder", "ahead", "dot")}


def test_the_small_forms_take_the_paths_they_are_meant_to() -> None:
    for kind, form in SHAPES.items():
        validate_answers(form, {}, today=TODAY)
        compiled = compiled_form(form)
        top = compiled.spec.steps is not None
        repeat = compiled.plans[6].spec.steps is not None
        assert (top, repeat) == {"inorder": (True, True), "ahead": (False, False),
                                 "dot": (False, True)}[kind]


_SMALL = st.one_of(_JUNK, st.integers(-3, 60), st.sampled_from(["yes", "no", "other", "skip"]))


def _mostly(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Valid answers three times in four, so relevance and nesting are reached."""
    # Not one_of(valid, valid, valid, _SMALL): one_of flattens, and _SMALL has many branches.
    return st.integers(0, 3).flatmap(lambda pick: valid if pick else _SMALL)


_TEXT = st.sampled_from(["hello", " spaced ", "skip", "yes", "x\ny", "Cafe\u0301", "ab"])
_CODE = st.sampled_from(["yes", "no", "other"])
_CODES = st.lists(_CODE, max_size=3)


def _entry(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    values: dict[str, st.SearchStrategy[Any]] = {
        "x": _mostly(st.integers(-1, 60)), "y": _mostly(_CODE), "xs": _mostly(_CODES),
        "xt": _SMALL, "z": _mostly(_TEXT), "zz": _mostly(st.integers(0, 2)), "extra": _SMALL,
    }
    if not depth:
        deep = st.fixed_dictionaries({}, optional={
            "d1": _mostly(_TEXT), "d2": _mostly(st.floats(-5, 100)), "bad": _SMALL})
        values["deep"] = _mostly(st.lists(_mostly(deep), max_size=3))
    return st.fixed_dictionaries({}, optional=values)


_ANSWERS = st.fixed_dictionaries({}, optional={
    "intro": _SMALL, "a": _mostly(st.sampled_from([1, 1, 0, 6])),
    "b": _mostly(st.sampled_from([0, 1, 2, 9])),
    "t": _mostly(_TEXT), "g": _SMALL, "n1": _SMALL, "c": _mostly(_TEXT), "d": _SMALL,
    "e": _mostly(st.booleans()), "count": _SMALL,
    "r": _mostly(st.lists(_mostly(_entry(0)), max_size=5)),
    "when": _mostly(st.sampled_from(["2024-01-02", {"precision": "month", "value": "2024-02"},
                                     {"value": "2025-01-01"}])),
    "where": _mostly(st.just({"state": "MMR005", "township": "MMR005002"})),
    "tail": _mostly(_CODE), "tail_note": _mostly(_TEXT),
    "files": _mostly(st.just(["ab" * 32, "AB" * 32])), "at": _mostly(st.just("10:30")),
    "nope": _SMALL,
})


@pytest.mark.parametrize("kind", sorted(SHAPES))
def test_small_forms_validate_as_before(kind: str) -> None:
    form = SHAPES[kind]

    @FAST
    @given(_ANSWERS, st.booleans(), st.sampled_from(["en", "my"]))
    def check(answers: dict[str, Any], partial: bool, lang: str) -> None:
        _same(form, answers, lang, partial)

    check()




# -- forms.values.nfc: NFC without the work where the text is NFC already ------------

_CANDIDATES = [chr(point) for point in (*range(0x2100), *range(0xA9E0, 0xAA80))]
_ALPHABET = [char for char in _CANDIDATES if _NFC_ALPHABET.fullmatch(char)]


def test_nfc_alphabet_pairs_normalise_as_unicodedata_does() -> None:
    # Every adjacent pair of the alphabet, including the ones that must go the slow way.
    assert len(_ALPHABET) > 300
    for first in _ALPHABET:
        for second in _ALPHABET:
            text = first + second
            assert nfc(text) == unicodedata.normalize("NFC", text), (first, second)


def test_no_combining_mark_of_the_nfc_alphabet_composes() -> None:
    # What lets nfc() look at adjacent pairs only: composition across marks needs one of these.
    marks = {char for char in _ALPHABET if unicodedata.combining(char)}
    for point in range(0x110000):
        parts = unicodedata.decomposition(chr(point)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            assert not {chr(int(part, 16)) for part in parts} & marks, hex(point)


_BURMESE_TEXT = st.text(
    st.one_of(st.sampled_from(_ALPHABET), st.sampled_from(["\u0301", "e", "\u00e9", "\u1026"]),
              st.characters()), max_size=60)


@FAST
@given(_BURMESE_TEXT)
def test_nfc_is_unicodedata_nfc(text: str) -> None:
    assert nfc(text) == unicodedata.normalize("NFC", text)
    assert nfc(unicodedata.normalize("NFD", text)) == unicodedata.normalize("NFC", text)

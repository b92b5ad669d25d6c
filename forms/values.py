"""Per-type parsing of answers into normalised JSON and expression values."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from forms import locations
from forms.compile import Plan
from forms.script import MYANMAR_RANGES
from forms.vocab import vocabulary

# Expression values are what forms.expr works on; JSON values are what we store.
ExprValue = None | bool | int | float | Decimal | str | dt.date | tuple[str, ...]

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")
PRECISIONS = ("day", "month", "year", "unknown")
LEVELS = ("state", "township", "village_tract")
LOCATION_KEYS = frozenset({"state", "township", "village_tract", "village", "coordinates"})
CONSENT_KEYS = frozenset({"scopes", "obtained", "date"})


def _nfc_check() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """What proves text in ASCII and Burmese script NFC already.

    The alphabet is ASCII, the Myanmar blocks and some punctuation, less any
    character NFC would change or decompose into combining marks. A text in
    that alphabet is NFC unless two of its combining marks are out of
    canonical order or a pair composes (U+1025 U+102E): no combining mark of
    the alphabet composes with anything, so adjacent pairs say it all (tests
    check this against unicodedata).
    """
    points = [*range(0x80), *(p for a, b in MYANMAR_RANGES for p in range(a, b + 1)),
              0xA0, 0x200B, 0x200C, 0x200D, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026]
    alphabet: list[str] = []
    for char in map(chr, points):
        parts = unicodedata.normalize("NFD", char)
        if unicodedata.normalize("NFC", char) == char and (
            parts == char or not any(unicodedata.combining(part) for part in parts)
        ):
            alphabet.append(char)
    # A run of one class is matched in a tight loop by the regex engine.
    ranges: list[str] = []
    points = sorted(map(ord, alphabet))
    first = previous = points[0]
    for point in [*points[1:], -1]:
        if point != previous + 1:
            ranges.append(f"{re.escape(chr(first))}-{re.escape(chr(previous))}")
            first = point
        previous = point
    pairs: list[str] = []
    marks = [char for char in alphabet if unicodedata.combining(char)]
    for high in marks:
        for low in marks:
            if unicodedata.combining(high) > unicodedata.combining(low):
                pairs.append(high + low)
    for char in alphabet:
        parts = unicodedata.normalize("NFD", char)
        if parts != char:
            pairs.append(parts)
    return re.compile("[" + "".join(ranges) + "]*"), tuple(pairs)


_NFC_ALPHABET, _NFC_CHANGES = _nfc_check()


def nfc(text: str) -> str:
    """``unicodedata.normalize("NFC", text)``, without the work when text is NFC already.

    Burmese defeats CPython's quick check (U+102E may compose), so its full
    normalisation would run on every narrative; a scan of the alphabet and a
    few substring searches prove most ASCII and Burmese text NFC as it is.
    """
    if text.isascii():
        return text
    if _NFC_ALPHABET.fullmatch(text) is not None:
        for pair in _NFC_CHANGES:
            # Looking for one character is several times faster than for two.
            if pair[0] in text and pair[1] in text and pair in text:
                break
        else:
            return text
    return unicodedata.normalize("NFC", text)


class Bad(Exception):
    """An answer that cannot be parsed; ``sub`` names the part (e.g. ``.township``)."""

    def __init__(self, key: str, sub: str = "", **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.sub = sub
        self.params = params


def parse_value(plan: Plan, raw: Any, today: dt.date) -> tuple[Any, ExprValue]:
    """Return (normalised JSON value, expression value); (None, None) means no answer."""
    kind = plan.type
    if raw is None:
        return None, None
    parser = _PARSERS[kind]
    return parser(plan, raw, today)


Parser = Callable[[Plan, Any, dt.date], tuple[Any, ExprValue]]


def parser_for(kind: str) -> Parser:
    """The parser of one field type, for callers that bind it once per field.

    Like :func:`parse_value` without its check for None (the caller skips None).
    """
    return _PARSERS.get(kind, parse_value)


def _text(plan: Plan, raw: Any, today: dt.date) -> tuple[Any, ExprValue]:
    if not isinstance(raw, str):
        raise Bad("expected_text")
    # NFC keeps Burmese that was typed in different orders comparable.
    text = unicodedata.normalize("NFC", raw).strip()
    if not text:
        return None, None
    if not plan.field.multiline and ("\n" in text or "\r" in text):
        raise Bad("single_line")
    return text, text


def _integer(plan: Plan, raw: Any, today: dt.date) -> tuple[Any, ExprValue]:
    if isinstance(raw, bool):
        raise Bad("expected_integer")
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        raw = int(raw)
    if not isinstance(raw, int):
        raise Bad("expected_integer")
    return raw, raw


def _decimal(plan: Plan, raw: Any, today: dt.date) -> tuple[Any, ExprValue]:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise Bad("expected_number")
    value = float(raw)
    return value, value


def _boolean(plan: Plan, raw: Any, today: dt.date) -> tuple[Any, ExprValue]:
    if not isinstance(raw, bool):
        raise Bad("expected_boolean")
    return raw, raw


def _time(plan: Plan, raw: Any, today: dt.date) -> tuple[Any, ExprValue]:
    match = _TIME.match(raw) if isinstance(raw, str) else None
    if match is None:
        raise Bad("expected_time")
    text = f"{match.group(1)}:{match.group(2)}"
    return text, text


def _point(value: Any, sub: str) -> tuple[dict[str, Any], dt.date | None]:
    """Parse one end of a date: returns the normalised part and its first day."""
    if isinstance(value, str):
        value = {"precision": _guess_precision(value, sub), "value": value}
    if not isinstance(value, dict):
        raise Bad("expected_date", sub)
    unknown = set(value) - {"precision", "value"}
    if unknown:
        raise Bad("unknown_part", f"{sub}.{sorted(unknown)[0]}")
    precision, text = value.get("precision"), value.get("value")
    if precision not in PRECISIONS:
        raise Bad("expected_date", f"{sub}.precision")
    if precision == "unknown":
        if text is not None:
            raise Bad("date_precision", f"{sub}.value")
        return {"precision": "unknown", "value": None}, None
    pattern = {"day": _DAY, "month": _MONTH, "year": _YEAR}[precision]
    if not isinstance(text, str) or not pattern.match(text):
        raise Bad("date_precision", f"{sub}.value")
    try:
        if precision == "day":
            first = dt.date.fromisoformat(text)
        elif precision == "month":
            first = dt.date(int(text[:4]), int(text[5:7]), 1)
        else:
            first = dt.date(int(text), 1, 1)
    except ValueError:
        raise Bad("expected_date", f"{sub}.value") from None
    return {"precision": precision, "value": text}, first


def _last_day(part: dict[str, Any], first: dt.date) -> dt.date:
    if part["precision"] == "year":
        return dt.date(first.year, 12, 31)
    if part["precision"] == "month":
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return first


def _guess_precision(text: str, sub: str) -> str:
    for precision, pattern in (("day", _DAY), ("month", _MONTH), ("year", _YEAR)):
        if pattern.match(text):
            return precision
    raise Bad("expected_date", sub)


def _date(plan: Plan, raw: Any, today: dt.date) -> tuple[Any, ExprValue]:
    if isinstance(raw, dict):
        unknown = set(raw) - {"precision", "value", "around", "until"}
        if unknown:
            raise Bad("unknown_part", "." + sorted(unknown)[0])
        start_raw = {key: raw[key] for key in ("precision", "value") if key in raw}
    else:
        start_raw = raw
    start, first = _point(start_raw, "")
    around = raw.get("around", False) if isinstance(raw, dict) else False
    if not isinstance(around, bool):
        raise Bad("expected_boolean", ".around")
    out: dict[str, Any] = {**start, "around": around}
    if first is not None and first > today:
        raise Bad("future_date", ".value")
    until_raw = raw.get("until") if isinstance(raw, dict) else None
    if until_raw is not None:
        end, end_first = _point(until_raw, ".until")
        if first is None:
            raise Bad("date_unknown_range", ".until")
        if end_first is not None:
            if _last_day(end, end_first) < first:
                raise Bad("date_range", ".until")
            if end_first > today:
                raise Bad("future_date", ".until.value")
        out["until"] = end
    return out, first


def _codes(plan: Plan) -> frozenset[str]:
    assert plan.vocabulary is not None
    return plan.vocabulary.codes


def _select_one(plan: Plan, raw: Any, today: dt.date) -> tuple[Any, ExprValue]:
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise Bad("expected_code")
    if raw not in _codes(plan):
        raise Bad("unknown_choice")
    return raw, raw


def _select_multiple(plan: Plan, raw: Any, today: dt.date) -> tuple[Any, ExprValue]:
    if not isinstance(raw, list):
        raise Bad("expected_codes")
    codes = _codes(plan)
    seen: list[str] = []
    for index, code in enumerate(raw):
        if isinstance(code, int) and not isinstance(code, bool):
            code = str(code)
        if not isinstance(code, str):
            raise Bad("expected_code", f"[{index}]")
        if code not in codes:
            raise Bad("unknown_choice", f"[{index}]")
        if code in seen:
            raise Bad("duplicate_choice", f"[{index}]")
        seen.append(code)
    if not seen:
        return None, None
    return seen, tuple(seen)


def _location(plan: Plan, raw: Any, today: dt.date) -> tuple[Any, ExprValue]:
    if not isinstance(raw, dict):
        raise Bad("expected_object")
    unknown = set(raw) - LOCATION_KEYS
    if unknown:
        raise Bad("unknown_part", "." + sorted(unknown)[0])
    out: dict[str, Any] = {}
    parent: str | None = None
    deepest: str | None = None
    reached = -1
    for depth, level in enumerate(LEVELS):
        code = raw.get(level)
        if code is None:
            out[level] = None
            continue
        if not isinstance(code, str) or locations.level_of(code) != level:
            raise Bad("unknown_place", f".{level}")
        if locations.parent_of(code) != parent or reached != depth - 1:
            raise Bad("wrong_parent", f".{level}")
        out[level] = code
        parent = deepest = code
        reached = depth
    if deepest is None:
        return None, None
    need = plan.field.min_level or "township"
    if reached < LEVELS.index(need):
        # Urban townships have no village tracts: reaching the township is enough there.
        if not (
            need == "village_tract" and reached == 1 and not locations.village_tracts(parent or "")
        ):
            raise Bad("location_level", "." + LEVELS[reached + 1], level=need)
    village = raw.get("village")
    if village is not None:
        if not isinstance(village, str):
            raise Bad("expected_text", ".village")
        village = unicodedata.normalize("NFC", village).strip() or None
    out["village"] = village
    out["coordinates"] = _coordinates(raw.get("coordinates"))
    return out, deepest


def _coordinates(raw: Any) -> dict[str, float] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"lat", "lon"}:
        raise Bad("coordinates", ".coordinates")
    lat, lon = raw["lat"], raw["lon"]
    for number, limit in ((lat, 90), (lon, 180)):
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise Bad("coordinates", ".coordinates")
        if not math.isfinite(number) or abs(number) > limit:
            raise Bad("coordinates", ".coordinates")
    return {"lat": float(lat), "lon": float(lon)}


def _consent(plan: Plan, raw: Any, today: dt.date) -> tuple[Any, ExprValue]:
    if not isinstance(raw, dict):
        raise Bad("expected_object")
    unknown = set(raw) - CONSENT_KEYS
    if unknown:
        raise Bad("unknown_part", "." + sorted(unknown)[0])
    scopes_vocab, methods = vocabulary("consent_scopes"), vocabulary("consent_methods")
    scopes = raw.get("scopes")
    if not isinstance(scopes, list) or not scopes:
        raise Bad("expected_codes", ".scopes")
    seen: list[str] = []
    for index, code in enumerate(scopes):
        if not isinstance(code, str) or code not in scopes_vocab:
            raise Bad("unknown_choice", f".scopes[{index}]")
        if code in seen:
            raise Bad("duplicate_choice", f".scopes[{index}]")
        seen.append(code)
    if "documentation" not in seen:
        raise Bad("consent_documentation", ".scopes")
    obtained = raw.get("obtained")
    if obtained is None:
        raise Bad("required", ".obtained")
    if not isinstance(obtained, str) or obtained not in methods:
        raise Bad("unknown_choice", ".obtained")
    date = raw.get("date")
    if date is None:
        raise Bad("required", ".date")
    if not isinstance(date, str) or not _DAY.match(date):
        raise Bad("expected_date", ".date")
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise Bad("expected_date", ".date") from None
    if day > today:
        raise Bad("future_date", ".date")
    return {"scopes": seen, "obtained": obtained, "date": date}, tuple(seen)


def _attachment(plan: Plan, raw: Any, today: dt.date) -> tuple[Any, ExprValue]:
    if plan.field.multiple:
        if not isinstance(raw, list):
            raise Bad("expected_list")
        digests = []
        for index, item in enumerate(raw):
            if not isinstance(item, str) or not _DIGEST.match(item.lower()):
                raise Bad("expected_digest", f"[{index}]")
            digests.append(item.lower())
        if not digests:
            return None, None
        return digests, tuple(digests)
    if not isinstance(raw, str) or not _DIGEST.match(raw.lower()):
        raise Bad("expected_digest")
    return raw.lower(), raw.lower()


_PARSERS = {
    "text": _text,
    "integer": _integer,
    "decimal": _decimal,
    "boolean": _boolean,
    "date": _date,
    "time": _time,
    "select_one": _select_one,
    "select_multiple": _select_multiple,
    "location": _location,
    "consent": _consent,
    "attachment": _attachment,
}


def to_json(value: ExprValue) -> Any:
    """A calculated expression value as JSON (dates as ISO text, tuples as lists)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value

"""Dates as testimonies give them: a day, a month, a year or unknown; approximate; or a range."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Label

from fieldkit.tui.widgets.base import FieldWidget

_PATTERNS = (
    ("day", re.compile(r"^\d{4}-\d{2}-\d{2}$")),
    ("month", re.compile(r"^\d{4}-\d{2}$")),
    ("year", re.compile(r"^\d{4}$")),
)
_WORDS = {
    "en": {
        "unknown": "Date unknown",
        "around": "About (not exact)",
        "until": "until",
        "placeholder": "2024-03-15, 2024-03 or 2024",
        "until_placeholder": "end of a period (optional)",
        "bad": "Type the date as 2024-03-15 (day), 2024-03 (month) or 2024 (year).",
        "bad_until": "Type the end of the period as 2024-03-15, 2024-03 or 2024.",
    },
    "my": {
        "unknown": "ရက်စွဲ မသိပါ",
        "around": "ခန့်မှန်းခြေ",
        "until": "အထိ",
        "placeholder": "2024-03-15၊ 2024-03 သို့မဟုတ် 2024",
        "until_placeholder": "ကာလ၏ အဆုံး (မဖြစ်မနေ မဟုတ်)",
        "bad": "ရက်စွဲကို 2024-03-15 (ရက်)၊ 2024-03 (လ) သို့မဟုတ် 2024 (နှစ်) ဟု ရေးပါ။",
        "bad_until": "ကာလ၏ အဆုံးကို 2024-03-15၊ 2024-03 သို့မဟုတ် 2024 ဟု ရေးပါ။",
    },
}
_MYANMAR_DIGITS = str.maketrans("၀၁၂၃၄၅၆၇၈၉", "0123456789")


def precision_of(text: str) -> str | None:
    """``day``, ``month`` or ``year`` for a real calendar date in one of the accepted shapes."""
    for precision, pattern in _PATTERNS:
        if pattern.match(text):
            try:
                # 2025-13 has the right shape but is no date; say so in the widget's words.
                dt.date.fromisoformat({"day": text, "month": text + "-01"}.get(
                    precision, text + "-01-01"))
            except ValueError:
                return None
            return precision
    return None


class DateField(FieldWidget):
    """``date``: the precision follows from what is typed; 'unknown', 'about' and 'until'."""

    DEFAULT_CSS = """
    DateField Horizontal { height: auto; }
    DateField .date-value { width: 32; }
    DateField .date-until { width: 32; }
    DateField .date-until-label { padding: 0 1; }
    DateField Checkbox { width: auto; margin-right: 2; }
    """

    def _words(self) -> dict[str, str]:
        return _WORDS.get(self.lang, _WORDS["en"])

    def compose_control(self) -> ComposeResult:
        words = self._words()
        with Horizontal():
            yield Input(
                placeholder=words["placeholder"], classes="control date-value", compact=True
            )
            yield Label(words["until"], classes="date-until-label")
            yield Input(placeholder=words["until_placeholder"], classes="date-until", compact=True)
        with Horizontal():
            yield Checkbox(words["around"], classes="date-around", compact=True)
            yield Checkbox(words["unknown"], classes="date-unknown", compact=True)

    def _value(self, css: str) -> str:
        return self.query_one(css, Input).value.strip().translate(_MYANMAR_DIGITS)

    def answer(self) -> Any:
        if self.query_one(".date-unknown", Checkbox).value:
            return {"precision": "unknown", "value": None, "around": False}
        text = self._value(".date-value")
        if not text:
            return None
        precision = precision_of(text)
        if precision is None:
            return text  # kept as typed; the validator and local_error explain
        out: dict[str, Any] = {
            "precision": precision,
            "value": text,
            "around": self.query_one(".date-around", Checkbox).value,
        }
        until = self._value(".date-until")
        if until:
            out["until"] = {"precision": precision_of(until) or "day", "value": until}
        return out

    def local_error(self) -> str | None:
        if self.query_one(".date-unknown", Checkbox).value:
            return None
        text, until = self._value(".date-value"), self._value(".date-until")
        if text and precision_of(text) is None:
            return self._words()["bad"]
        if until and precision_of(until) is None:
            return self._words()["bad_until"]
        return None

    def show_value(self, value: Any) -> None:
        unknown = isinstance(value, dict) and value.get("precision") == "unknown"
        text = ""
        around = False
        until = ""
        if isinstance(value, str):
            text = value
        elif isinstance(value, dict) and not unknown:
            text = str(value.get("value") or "")
            around = bool(value.get("around"))
            end = value.get("until")
            if isinstance(end, dict):
                until = str(end.get("value") or "")
            elif isinstance(end, str):
                until = end
        self.query_one(".date-value", Input).value = text
        self.query_one(".date-until", Input).value = until
        self.query_one(".date-around", Checkbox).value = around
        self.query_one(".date-unknown", Checkbox).value = unknown

    def set_language(self, lang: str) -> None:
        super().set_language(lang)
        words = self._words()
        self.query_one(".date-value", Input).placeholder = words["placeholder"]
        self.query_one(".date-until", Input).placeholder = words["until_placeholder"]
        self.query_one(".date-until-label", Label).update(words["until"])
        self.query_one(".date-around", Checkbox).label = words["around"]
        self.query_one(".date-unknown", Checkbox).label = words["unknown"]

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _edited(self, event: Input.Changed | Checkbox.Changed) -> None:
        event.stop()
        self.changed()

"""The pydantic models of a form definition: Form, Field and Choice."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, field_validator
from pydantic import Field as PydanticField

FieldType = Literal[
    "text",
    "integer",
    "decimal",
    "boolean",
    "date",
    "time",
    "select_one",
    "select_multiple",
    "location",
    "consent",
    "group",
    "repeat",
    "note",
    "attachment",
    "calculate",
]
FIELD_TYPES: tuple[str, ...] = FieldType.__args__  # type: ignore[attr-defined]

# Types whose answers are containers of other fields or carry no answer at all.
CONTAINER_TYPES = frozenset({"group", "repeat"})
NO_ANSWER_TYPES = frozenset({"group", "note"})
SELECT_TYPES = frozenset({"select_one", "select_multiple"})

Label = dict[str, str]
NAME_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Term(_Strict):
    """One term of a vocabulary or an inline choice list: a stable code and its labels."""

    code: str = PydanticField(pattern=CODE_PATTERN)
    """Stable code stored in answers; never reuse a code for another meaning."""
    label: Label
    """Text per language, e.g. ``{"en": "Arson", "my": "မီးရှို့ခြင်း"}``."""
    huri_code: str | None = PydanticField(default=None, pattern=r"^\d{12}$")
    """The matching HURIDOCS micro-thesaurus code, where one exists."""
    parent: str | None = None
    """Code of the broader term, for hierarchical lists."""

    @field_validator("code", mode="before")
    @classmethod
    def _int_code(cls, value: Any) -> Any:
        # XLSForm lists often use 1, 2, 3 as codes; YAML reads them as numbers.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value


Choice = Term
"""Inline choices of a field have the same shape as vocabulary terms."""


class Field(_Strict):
    """One question, section, repeat group, note or calculation of a form."""

    name: str = PydanticField(pattern=NAME_PATTERN)
    """Answer key: lower-case letters, digits and ``_``, starting with a letter."""
    type: FieldType
    label: Label
    hint: Label | None = None
    required: bool | str = False
    """True, False, or an expression deciding whether an answer is required."""
    relevant: str | None = None
    """Expression: the field is asked only when it is true (skip logic)."""
    constraint: str | None = None
    """Expression that must be true for an answer; ``.`` is the answer itself."""
    constraint_message: Label | None = None
    default: Any = None
    """Answer used when the key is absent from the answers (same JSON shape)."""
    sensitive: bool = False
    """Names, contacts and the like: masked in lists, left out of exports unless asked."""
    choices: str | list[Choice] | None = None
    """select_one/select_multiple: a vocabulary id or an inline list of choices."""
    choice_filter: str | None = None
    """Expression evaluated per choice with ``.`` bound to the choice code."""
    multiline: bool = False
    """text only: allow line breaks (narratives)."""
    min_repeat: int = PydanticField(default=0, ge=0)
    max_repeat: int | None = PydanticField(default=None, ge=1)
    fields: list[Field] | None = None
    """Children of a group or repeat."""
    calculation: str | None = None
    """calculate only: the expression whose value is stored."""
    min_level: Literal["state", "township", "village_tract"] | None = None
    """location only: the most specific level an answer must reach (default township)."""
    multiple: bool = False
    """attachment only: the answer is a list of SHA-256 digests."""


class FacetFields(_Strict):
    """Which fields feed the case lists and the dashboard (dotted through repeats)."""

    date: str | None = None
    location: str | None = None
    violation_types: str | None = None


class Form(_Strict):
    """A versioned form definition."""

    id: str = PydanticField(pattern=r"^[a-z][a-z0-9_\-]{0,63}$")
    version: int = PydanticField(ge=1)
    title: Label
    description: Label | None = None
    languages: list[str] = PydanticField(min_length=1)
    """Languages every label must have; ``en`` and ``my`` are always required."""
    fields: list[Field] = PydanticField(min_length=1)
    facets: FacetFields | None = None

    _compiled: Any = PrivateAttr(default=None)

    def field(self, name: str) -> Field:
        """The field called ``name`` anywhere in the form (first match, depth first)."""
        stack = list(reversed(self.fields))
        while stack:
            item = stack.pop()
            if item.name == name:
                return item
            stack.extend(reversed(item.fields or []))
        raise KeyError(name)

    def walk(self) -> list[tuple[str, Field]]:
        """Every field with its definition path, e.g. ``("fields[3].fields[0]", field)``."""
        out: list[tuple[str, Field]] = []

        def visit(fields: list[Field], prefix: str) -> None:
            for index, item in enumerate(fields):
                path = f"{prefix}fields[{index}]"
                out.append((path, item))
                if item.fields:
                    visit(item.fields, path + ".")

        visit(self.fields, "")
        return out

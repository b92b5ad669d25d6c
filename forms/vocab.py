"""Vocabularies: shared lists of terms with stable codes, labels and HURIDOCS codes."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic import Field as PydanticField

from forms.errors import VocabularyError
from forms.model import Label, Term
from forms.source import LineMap, parse_yaml, schema_error

REQUIRED_LANGUAGES = ("en", "my")


class VocabularyFile(BaseModel):
    """The YAML shape of a vocabulary file under ``forms/vocabularies``."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    id: str = PydanticField(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    title: Label
    description: Label | None = None
    source: str | None = None
    """Attribution, e.g. which HURIDOCS list the ``huri_code`` values come from."""
    huri_list: int | None = None
    """Number of the HURIDOCS micro-thesaurus the ``huri_code`` values belong to."""
    terms: list[Term] = PydanticField(min_length=1)


class Vocabulary:
    """A list of terms looked up by code."""

    def __init__(
        self,
        vocab_id: str,
        terms: Iterable[Term],
        *,
        title: Label | None = None,
        source: str | None = None,
        huri_list: int | None = None,
    ) -> None:
        self.id = vocab_id
        self.terms: tuple[Term, ...] = tuple(terms)
        self.title: Label = dict(title or {})
        self.source = source
        self.huri_list = huri_list
        self._by_code = {term.code: term for term in self.terms}
        self.codes: frozenset[str] = frozenset(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __len__(self) -> int:
        return len(self.terms)

    def term(self, code: str) -> Term:
        """The term with this code (KeyError when there is none)."""
        return self._by_code[code]

    def label(self, code: str, lang: str) -> str:
        """The term's label in ``lang``, falling back to English, then to the code."""
        term = self._by_code.get(code)
        if term is None:
            return code
        return term.label.get(lang) or term.label.get("en") or code

    def children(self, parent: str | None) -> list[Term]:
        """Terms directly under ``parent`` (None: the top level)."""
        return [term for term in self.terms if term.parent == parent]


def check_labels(
    label: Label,
    languages: Iterable[str],
    where: str,
    source: str,
    lines: LineMap,
    loc: tuple[str | int, ...],
) -> None:
    """Every language must have non-empty text."""
    for lang in languages:
        if not label.get(lang, "").strip():
            raise VocabularyError(
                f"missing '{lang}' label (every label needs {', '.join(languages)})",
                file=source,
                path=where,
                line=lines.line(loc),
            )


def load_vocabulary_text(text: str, source: str = "<string>") -> Vocabulary:
    """Parse and check one vocabulary file."""
    data, lines = parse_yaml(text, source)
    if not isinstance(data, dict):
        raise VocabularyError(
            "expected a YAML mapping with id, title and terms", file=source, line=1
        )
    try:
        parsed = VocabularyFile.model_validate(data)
    except ValidationError as exc:
        error = schema_error(exc, VocabularyFile, source, lines)
        raise VocabularyError(error.detail, file=source, path=error.path, line=error.line) from None
    check_labels(parsed.title, REQUIRED_LANGUAGES, "title", source, lines, ("title",))
    seen: set[str] = set()
    for index, term in enumerate(parsed.terms):
        loc: tuple[str | int, ...] = ("terms", index)
        where = f"terms[{index}]"
        if term.code in seen:
            raise VocabularyError(
                f"duplicate code '{term.code}' (codes must be unique)",
                file=source,
                path=where + ".code",
                line=lines.line((*loc, "code")),
            )
        seen.add(term.code)
        check_labels(
            term.label, REQUIRED_LANGUAGES, where + ".label", source, lines, (*loc, "label")
        )
    for index, term in enumerate(parsed.terms):
        if term.parent is not None and term.parent not in seen:
            raise VocabularyError(
                f"parent '{term.parent}' is not a code of this vocabulary",
                file=source,
                path=f"terms[{index}].parent",
                line=lines.line(("terms", index, "parent")),
            )
    return Vocabulary(
        parsed.id,
        parsed.terms,
        title=parsed.title,
        source=parsed.source,
        huri_list=parsed.huri_list,
    )


def vocabulary_ids() -> list[str]:
    """Ids of the built-in vocabularies."""
    folder = resources.files("forms").joinpath("vocabularies")
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


@cache
def vocabulary(vocab_id: str) -> Vocabulary:
    """A built-in vocabulary by id (loaded once, then cached)."""
    if vocab_id not in vocabulary_ids():
        raise VocabularyError(
            f"unknown vocabulary '{vocab_id}' (expected one of: {', '.join(vocabulary_ids())})"
        )
    name = f"{vocab_id}.yaml"
    text = resources.files("forms").joinpath("vocabularies", name).read_text(encoding="utf-8")
    loaded = load_vocabulary_text(text, f"vocabularies/{name}")
    if loaded.id != vocab_id:
        raise VocabularyError(
            f"the file declares id '{loaded.id}'", file=f"vocabularies/{name}", path="id"
        )
    return loaded

"""Term keys: how the search index names a chosen vocabulary term instead of copying its labels.

A record's search text holds its free text (narratives, titles, place
names) and, for every term chosen from a list (a violation type, a sex, a
consent scope) and for its form, one *key*: three characters of Unicode's
Private Use Area derived from the term's namespace and code. The labels
themselves, in every language, live once in a :class:`LabelCatalogue` built
from the forms; a search word that occurs in a label is looked up there and
becomes the keys of the matching terms.

Why: labels in two languages were most of every record's indexed text
(about 1,400 of 1,800 characters for an incident report), so indexing them
per record cost most of the time of a batch seal and most of the index's
size. Keys also mean a corrected or added translation of a label is
searchable for old records at once, without rebuilding the index.

A key is exactly one trigram, so the trigram index finds it as one token;
keys are written separated by spaces, so no trigram spanning two keys can
look like a third. User text never contains these characters (free text
passes through :func:`clean_text`). Two different terms share a key only
if their hashes collide (about 1 in 2.6e11 per pair); a collision would
make a search for one term also list records with the other, never miss
one.
"""

from __future__ import annotations

import bisect
import hashlib
import unicodedata
from collections.abc import Iterable

from forms.compile import Plan
from forms.model import Form, Label

KEY_FIRST = 0xE000
KEY_SPAN = 0xF900 - 0xE000  # the BMP Private Use Area, U+E000..U+F8FF
KEY_CHARS = 3
_PRIVATE = {cp: "\ufffd" for cp in range(KEY_FIRST, KEY_FIRST + KEY_SPAN)}
FORM_NAMESPACE = "form"


def term_key(namespace: str, code: str) -> str:
    """The key of term ``code`` of list ``namespace`` (deterministic, three characters)."""
    digest = hashlib.sha256(f"{namespace}\x1f{code}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(KEY_CHARS):
        number, rest = divmod(number, KEY_SPAN)
        chars.append(chr(KEY_FIRST + rest))
    return "".join(chars)


def is_key_char(char: str) -> bool:
    return KEY_FIRST <= ord(char) < KEY_FIRST + KEY_SPAN


def clean_text(text: str) -> str:
    """``text`` in NFC with any private-use character replaced, so it can never read as a key."""
    if text.isascii():
        return text  # ASCII is NFC and holds no private-use character
    text = unicodedata.normalize("NFC", text)
    if text and max(text) >= "\ue000" and any(is_key_char(c) for c in text):
        text = text.translate(_PRIVATE)
    return text


def namespace_of(form: Form, plan: Plan) -> str | None:
    """The namespace of a select field's terms: a shared vocabulary's id, or the
    form's own list (inline choices mean something only within their form)."""
    vocab = plan.vocabulary
    if vocab is None:
        return None
    return f"{form.id}/{vocab.id}" if vocab.id.endswith(":inline") else vocab.id


class LabelCatalogue:
    """Every key's labels, and which keys a search word finds."""

    def __init__(self) -> None:
        self._shown: dict[str, dict[str, str]] = {}  # key -> lang -> label first seen
        self._every: dict[str, dict[str, None]] = {}  # key -> every distinct label
        self._text = ""
        self._starts: list[int] = []
        self._owners: list[str] = []
        self._stale = False

    def add(self, key: str, labels: Label) -> None:
        """Record the labels of one key (labels of several form versions add up)."""
        # Several versions may label a term differently: every label stays
        # findable, the first seen in each language is what is shown.
        shown = self._shown.setdefault(key, {})
        every = self._every.setdefault(key, {})
        for lang, label in labels.items():
            text = unicodedata.normalize("NFC", label)
            if text:
                shown.setdefault(lang, text)
                every[text] = None
        self._stale = True

    def add_form(self, form: Form, plans: Iterable[Plan]) -> None:
        """The form's own key (its title) and every term of its select fields."""
        self.add(term_key(FORM_NAMESPACE, form.id), form.title)
        for plan in plans:
            namespace = namespace_of(form, plan)
            if namespace is None or plan.vocabulary is None:
                continue
            for term in plan.vocabulary.terms:
                self.add(term_key(namespace, term.code), term.label)

    def __len__(self) -> int:
        return len(self._shown)

    def label(self, key: str, lang: str) -> str | None:
        labels = self._shown.get(key)
        if not labels:
            return None
        return labels.get(lang) or labels.get("en") or next(iter(labels.values()))

    def _build(self) -> None:
        # One string of every label (case-folded), searched with str.find: the
        # scan runs in C, which matters for catalogues of thousands of labels.
        parts: list[str] = []
        self._starts, self._owners = [], []
        at = 0
        for key, every in self._every.items():
            for text in every:
                folded = text.casefold()
                self._starts.append(at)
                self._owners.append(key)
                parts.append(folded)
                at += len(folded) + 1
        self._text = "\n".join(parts)
        self._stale = False

    def keys_matching(self, term: str) -> list[str]:
        """Keys of the terms one of whose labels contains ``term`` (any case), sorted."""
        if self._stale:
            self._build()
        needle = unicodedata.normalize("NFC", term).casefold()
        if not needle or "\n" in needle:
            return []
        found: set[str] = set()
        at = self._text.find(needle)
        while at >= 0:
            index = bisect.bisect_right(self._starts, at) - 1
            found.add(self._owners[index])
            # Continue after this label: one hit per label is enough.
            following = self._starts[index + 1] if index + 1 < len(self._starts) else len(
                self._text)
            at = self._text.find(needle, following)
        return sorted(found)

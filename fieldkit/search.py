"""Full-text search over records: an FTS5 trigram index plus a small facets table.

What is indexed is decided by the caller (the records module passes
``forms.index_text`` of the answers, leaving sensitive fields out unless the
profile's ``search_sensitive`` setting is on): free text, place names and one
*key* per chosen term and per form (``forms.termkeys``). A word the user types
is searched as text and, through the label catalogue of the store's forms, as
the keys of every term whose label (in any language) contains it. Queries are
never handed to FTS5's query language: every word becomes a quoted phrase, so
quotes, ``AND``, ``*`` or parentheses are just characters to find.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from fieldkit.errors import FieldkitError, UsageError
from forms import Form, LabelCatalogue, form_from_json, label_catalogue
from forms.script import is_myanmar
from forms.termkeys import KEY_CHARS

if TYPE_CHECKING:
    from fieldkit.store import Connection, Store

# The trigram tokenizer cannot match fewer than three characters; such words
# are matched with LIKE instead (a scan, but only over what the longer words
# already selected, or over everything when there are none).
MIN_TRIGRAM = 3
MAX_QUERY_CHARS = 500
SNIPPET_TOKENS = 40  # trigram tokens, so roughly characters of context
HIGHLIGHT = ("[", "]")
ELLIPSIS = "…"

_TERMS = re.compile(r'"([^"]+)"|(\S+)')


class FacetsLike(Protocol):
    """What the index keeps beside each record's text (``forms.Facets`` fits)."""

    @property
    def date(self) -> object: ...

    @property
    def state(self) -> object: ...

    @property
    def township(self) -> object: ...

    @property
    def violation_types(self) -> object: ...


@dataclass(frozen=True)
class SearchHit:
    """One matching record, as a results list shows it."""

    record_id: str
    form_id: str | None
    date: str | None
    township: str | None
    snippet: str


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _normalise(text: str) -> str:
    # NFC on both sides, so text typed on different keyboards compares equal.
    return unicodedata.normalize("NFC", text)


def _facet_values(facets: FacetsLike | None) -> tuple[str | None, str | None, str | None, str]:
    """The facets columns (date, state, township, violation_types) of a record."""
    if facets is None:
        return None, None, None, "[]"
    kinds = facets.violation_types
    codes = sorted(str(k) for k in kinds) if isinstance(kinds, list | tuple | set) else []
    return _text(facets.date), _text(facets.state), _text(facets.township), json.dumps(codes)


def index_record(
    conn: Connection,
    record_id: str,
    text: str,
    *,
    form_id: str | None = None,
    facets: FacetsLike | None = None,
    new: bool = False,
    normalised: bool = False,
) -> None:
    """Replace the indexed text of ``record_id`` (call inside the record's transaction).

    ``form_id`` and ``facets`` replace the stored ones when given and are
    kept when omitted. ``new`` says the record was created in this
    transaction and has no entry yet: its row is written in one statement
    (the fast path for sealing many records at once). ``normalised`` says
    ``text`` is already NFC (``forms.index_text`` returns NFC), which spares
    a second pass over long Burmese text.
    """
    body = text if normalised else _normalise(text)
    if new:
        rowid = conn.execute(
            "INSERT INTO record_facets (record_id, form_id, date, state, township,"
            " violation_types) VALUES (?, ?, ?, ?, ?, ?)",
            (record_id, form_id, *_facet_values(facets)),
        ).lastrowid
        conn.execute("INSERT INTO record_text (rowid, body) VALUES (?, ?)", (rowid, body))
        return
    row = conn.execute("SELECT id FROM record_facets WHERE record_id = ?", (record_id,)).fetchone()
    if row is None:
        rowid = conn.execute(
            "INSERT INTO record_facets (record_id) VALUES (?)", (record_id,)
        ).lastrowid
    else:
        rowid = int(row[0])
        conn.execute("DELETE FROM record_text WHERE rowid = ?", (rowid,))
    if form_id is not None:
        conn.execute("UPDATE record_facets SET form_id = ? WHERE id = ?", (form_id, rowid))
    if facets is not None:
        conn.execute(
            "UPDATE record_facets SET date = ?, state = ?, township = ?, violation_types = ?"
            " WHERE id = ?",
            (*_facet_values(facets), rowid),
        )
    conn.execute("INSERT INTO record_text (rowid, body) VALUES (?, ?)", (rowid, body))


def index_new_records(
    conn: Connection,
    entries: Sequence[tuple[str, str, str | None, FacetsLike | None]],
    *,
    normalised: bool = False,
) -> None:
    """Index many records created in this transaction: ``(record_id, text, form_id, facets)``.

    The same rows as :func:`index_record` with ``new``, written with one
    statement per table: a batch seal hands SQLite long stretches of work
    (which run without Python's lock) instead of many short ones.
    """
    if not entries:
        return
    # Inside the write transaction nobody else adds facets rows, so the ids
    # SQLite would pick (max + 1, ...) can be chosen here and reused as the
    # FTS rowids.
    first = int(conn.execute("SELECT coalesce(max(id), 0) FROM record_facets").fetchone()[0]) + 1
    for start in range(0, len(entries), _ROWS_PER_STATEMENT):
        chunk = entries[start : start + _ROWS_PER_STATEMENT]
        facet_args: list[object] = []
        text_args: list[object] = []
        for offset, (record_id, text, form_id, facets) in enumerate(chunk, first + start):
            facet_args += (offset, record_id, form_id, *_facet_values(facets))
            text_args += (offset, text if normalised else _normalise(text))
        conn.execute(
            "INSERT INTO record_facets (id, record_id, form_id, date, state, township,"
            " violation_types) VALUES " + ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(chunk)),
            facet_args,
        )
        conn.execute(
            "INSERT INTO record_text (rowid, body) VALUES " + ", ".join(["(?, ?)"] * len(chunk)),
            text_args,
        )


_ROWS_PER_STATEMENT = 256  # 7 parameters a row, far below SQLite's limit of 32766


def unindex_record(conn: Connection, record_id: str) -> None:
    """Remove a record from the index and the facets (deleted or purged records)."""
    row = conn.execute("SELECT id FROM record_facets WHERE record_id = ?", (record_id,)).fetchone()
    if row is None:
        return
    conn.execute("DELETE FROM record_text WHERE rowid = ?", (int(row[0]),))
    conn.execute("DELETE FROM record_facets WHERE id = ?", (int(row[0]),))


def query_terms(query: str) -> list[str]:
    """Split what the user typed into terms: words, or "quoted phrases" kept whole."""
    # Control characters (NUL above all: FTS5 reads its query as a C string)
    # can only come from a paste gone wrong; they separate words.
    cleaned = "".join(" " if unicodedata.category(c) == "Cc" else c for c in _normalise(query))
    terms = []
    for match in _TERMS.finditer(cleaned):
        term = match.group(1) if match.group(1) is not None else match.group(2).strip('"')
        term = term.strip()
        if term:
            terms.append(term)
    return terms


def fts_phrase(term: str) -> str:
    """``term`` as an FTS5 string literal: a phrase, never query syntax."""
    return '"' + term.replace('"', '""') + '"'


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _plain_snippet(body: str, term: str, width: int = SNIPPET_TOKENS // 2) -> str:
    """A snippet around ``term`` for matches FTS5 did not make (short words only)."""
    at = body.casefold().find(term.casefold())
    if at < 0:
        return body[: width * 2] + (ELLIPSIS if len(body) > width * 2 else "")
    start, end = max(0, at - width), min(len(body), at + len(term) + width)
    hit = HIGHLIGHT[0] + body[at : at + len(term)] + HIGHLIGHT[1]
    return (
        (ELLIPSIS if start > 0 else "")
        + body[start:at]
        + hit
        + body[at + len(term) : end]
        + (ELLIPSIS if end < len(body) else "")
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


# A snippet's edges fall between characters, which in Burmese can split a
# syllable: a cut start leaves vowel signs and medials with no consonant to
# sit on, a cut end leaves a different, wrong syllable. A cut edge moves to
# the nearest space when one is close; a start with none near loses its
# dangling marks.
_EDGE_REACH = 12


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _tidy_edges(text: str) -> str:
    """``text`` (a snippet) without the syllables its ellipses cut in two."""
    if text.startswith(ELLIPSIS) and len(text) > 1 and is_myanmar(text[1]):
        body = text[1:]
        space = body.find(" ", 0, _EDGE_REACH)
        if space > 0 and HIGHLIGHT[0] not in body[:space]:
            body = body[space + 1 :]
        else:
            while body and _is_mark(body[0]):
                body = body[1:]
        text = ELLIPSIS + body
    if text.endswith(ELLIPSIS) and len(text) > 1 and is_myanmar(text[-2]):
        body = text[:-1]
        space = body.rfind(" ", max(0, len(body) - _EDGE_REACH))
        if space > 0 and HIGHLIGHT[1] not in body[space:]:
            text = body[:space] + " " + ELLIPSIS
    return text


# -- the label catalogue ---------------------------------------------------------------

_KEYS = re.compile("[\ue000-\uf8ff]+")
_CATALOGUES: dict[tuple[tuple[str, int], ...], LabelCatalogue] = {}
_CATALOGUE_LOCK = threading.Lock()
_MAX_CATALOGUES = 4  # a process opens one or two stores; bounded all the same


def catalogue(store: Store) -> LabelCatalogue:
    """The label catalogue of the forms installed in ``store`` (cached while they stay)."""
    installed = tuple(
        (str(r[0]), int(r[1]))
        for r in store.query("SELECT form_id, version FROM forms ORDER BY form_id, version")
    )
    with _CATALOGUE_LOCK:
        found = _CATALOGUES.get(installed)
    if found is not None:
        return found
    forms: list[Form] = []
    for form_id, version in installed:
        row = store.query_one(
            "SELECT definition FROM forms WHERE form_id = ? AND version = ?", (form_id, version)
        )
        if row is None:
            continue
        try:
            forms.append(form_from_json(bytes(row[0]), source="installed form"))
        except (ValueError, KeyError, TypeError, FieldkitError):
            continue  # a damaged definition: its terms are found by nothing, as before
    made = label_catalogue(forms)
    with _CATALOGUE_LOCK:
        if len(_CATALOGUES) >= _MAX_CATALOGUES:
            _CATALOGUES.pop(next(iter(_CATALOGUES)))
        _CATALOGUES[installed] = made
    return made


def render_keys(text: str, labels: LabelCatalogue, lang: str) -> str:
    """``text`` with every whole key shown as its label; broken or unknown keys dropped."""
    def label(match: re.Match[str]) -> str:
        run = match.group(0)
        if len(run) != KEY_CHARS:
            return ""  # a key cut by the snippet's edge
        return labels.label(run, lang) or ""

    return _KEYS.sub(label, text)


# -- queries -----------------------------------------------------------------------------


def _match_group(term: str, keys: list[str]) -> str:
    """One term as FTS5 query text: the phrase, or the phrase or any of its keys."""
    if not keys:
        return fts_phrase(term)
    return "(" + " OR ".join([fts_phrase(term), *(fts_phrase(k) for k in keys)]) + ")"


def search(store: Store, query: str, *, limit: int = 50, lang: str = "en") -> list[SearchHit]:
    """Records whose indexed text contains every term of ``query``, newest first.

    A term is found in the free text or, through the catalogue, in the label
    (any language) of a chosen term or of the form; snippets show labels in
    ``lang``.
    """
    if len(query) > MAX_QUERY_CHARS:
        raise UsageError(
            f"The search is longer than {MAX_QUERY_CHARS} characters.",
            hint="search for a few words or part of a name",
        )
    terms = query_terms(query)
    if not terms:
        raise UsageError("The search is empty.", hint="type a word, or part of one, to find")
    if limit < 1:
        raise UsageError("The result limit must be at least 1.")
    labels = catalogue(store)
    long_terms = [t for t in terms if len(t) >= MIN_TRIGRAM]
    short_terms = [t for t in terms if len(t) < MIN_TRIGRAM]
    likes = ""
    like_args: list[object] = []
    for term in short_terms:
        keys = labels.keys_matching(term)
        if keys:
            # Keys are trigrams: the index finds them even for a one-letter word.
            likes += (" AND (record_text.body LIKE ? ESCAPE '\\' OR record_text.rowid IN"
                      " (SELECT rowid FROM record_text WHERE record_text MATCH ?))")
            like_args += [_like_pattern(term), " OR ".join(fts_phrase(k) for k in keys)]
        else:
            likes += " AND record_text.body LIKE ? ESCAPE '\\'"
            like_args.append(_like_pattern(term))
    if long_terms:
        # Newest first by rowid lets FTS5 stop after ``limit`` rows; ranking by
        # bm25 would score every match first, which is slow for common words.
        sql = (
            "SELECT f.record_id, f.form_id, f.date, f.township,"
            f" snippet(record_text, 0, ?, ?, ?, {SNIPPET_TOKENS})"
            " FROM record_text JOIN record_facets f ON f.id = record_text.rowid"
            f" WHERE record_text MATCH ?{likes}"
            " ORDER BY record_text.rowid DESC LIMIT ?"
        )
        match = " AND ".join(_match_group(t, labels.keys_matching(t)) for t in long_terms)
        args = [HIGHLIGHT[0], HIGHLIGHT[1], ELLIPSIS, match, *like_args, limit]
        rows = store.query(sql, args)
        return [
            SearchHit(r[0], r[1], r[2], r[3],
                      _tidy_edges(_one_line(render_keys(str(r[4]), labels, lang))))
            for r in rows
        ]
    sql = (
        "SELECT f.record_id, f.form_id, f.date, f.township, record_text.body"
        " FROM record_text JOIN record_facets f ON f.id = record_text.rowid"
        f" WHERE 1{likes} ORDER BY record_text.rowid DESC LIMIT ?"
    )
    rows = store.query(sql, [*like_args, limit])
    return [
        SearchHit(r[0], r[1], r[2], r[3], _tidy_edges(_one_line(
            _plain_snippet(render_keys(str(r[4]), labels, lang), short_terms[0]))))
        for r in rows
    ]


def indexed_count(store: Store) -> int:
    """How many records the index holds."""
    row = store.query_one("SELECT count(*) FROM record_facets")
    return int(row[0]) if row else 0

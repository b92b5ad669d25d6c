"""Search: trigram FTS5 over English and Burmese, safe query quoting, facets, replacement."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fieldkit.errors import UsageError
from fieldkit.kdf import TESTING
from fieldkit.search import (
    SearchHit,
    _tidy_edges,
    fts_phrase,
    index_record,
    indexed_count,
    query_terms,
    search,
    unindex_record,
)
from fieldkit.store import Store

PASS = "search test passphrase"

# Fictional narratives (no real people or events).
TEXTS = {
    "r1": "Incident report. Soldiers burned twelve houses in the village at night.",
    "r2": "Witness testimony. ရွာသစ်ကျေးရွာကို စစ်တပ်က မီးရှို့ခဲ့သည်။ Houses burned.",
    "r3": "Displacement event. ၂၀၂၆ ခုနှစ် မတ်လတွင် လေကြောင်းတိုက်ခိုက်မှုကြောင့် ထွက်ပြေးရသည်။",
    "r4": 'Defector debrief. He said "AND (OR) NOT *" and left the battalion with 50% of his unit.',
}


@dataclass(frozen=True)
class Facets:
    date: str | None
    state: str | None
    township: str | None
    violation_types: list[str] = field(default_factory=list)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.create(tmp_path / "home", PASS, params=TESTING)
    with s.transaction() as conn:
        for i, (rid, text) in enumerate(TEXTS.items()):
            index_record(
                conn, rid, text, form_id=f"form{i}",
                facets=Facets(f"2026-03-0{i + 1}", "MMR010", f"Township {i}", ["arson"]),
            )
    yield s
    s.close()


def ids(hits: list[SearchHit]) -> set[str]:
    return {h.record_id for h in hits}


def test_english_words_case_insensitive(store: Store) -> None:
    assert ids(search(store, "burned")) == {"r1", "r2"}
    assert ids(search(store, "HOUSES")) == {"r1", "r2"}
    assert ids(search(store, "twelve houses")) == {"r1"}  # every word must be there


def test_hits_carry_facets_and_a_snippet(store: Store) -> None:
    [hit] = search(store, "twelve")
    assert hit == SearchHit("r1", "form0", "2026-03-01", "Township 0", hit.snippet)
    assert "[twelve]" in hit.snippet
    assert "\n" not in hit.snippet


def test_burmese_substrings(store: Store) -> None:
    assert ids(search(store, "ရွာသစ်")) == {"r2"}  # a word inside a longer run of text
    assert ids(search(store, "မီးရှို့")) == {"r2"}
    assert ids(search(store, "လေကြောင်း")) == {"r3"}
    assert ids(search(store, "၂၀၂၆")) == {"r3"}
    [hit] = search(store, "မီးရှို့")
    assert "[မီးရှို့]" in hit.snippet


@pytest.mark.parametrize(
    "query",
    ['"', '""', "AND", "OR NOT", "*", "(", ")", "burn*", "NEAR(a b)", "col:value", "'", "^x",
     'he said "AND', "50%", "a_b", "\\", "{x}", "-", "+x"],
)
def test_query_syntax_characters_are_just_text(store: Store, query: str) -> None:
    # Never an FTS5 syntax error; quotes alone only delimit, so they are empty.
    if query_terms(query):
        search(store, query)
    else:
        with pytest.raises(UsageError):
            search(store, query)


def test_syntax_characters_can_be_found(store: Store) -> None:
    assert ids(search(store, '"AND (OR) NOT *"')) == {"r4"}
    assert ids(search(store, "50%")) == {"r4"}
    assert ids(search(store, "(OR)")) == {"r4"}
    assert search(store, "0%") and ids(search(store, "0%")) == {"r4"}  # short: LIKE path


def test_short_terms_use_a_like_fallback(store: Store) -> None:
    assert ids(search(store, "He")) == {"r4"} | ids(search(store, "he"))
    assert ids(search(store, "ရွ")) == {"r2"}
    [hit] = search(store, "50")
    assert "[50]" in hit.snippet
    # A short word narrows what a long one found.
    assert ids(search(store, "burned at")) == {"r1"}
    # LIKE wildcards are escaped.
    assert search(store, "_") == []
    assert search(store, "%") and ids(search(store, "%")) == {"r4"}


def test_empty_and_oversized_queries_are_usage_errors(store: Store) -> None:
    for query in ("", "   ", '""'):
        with pytest.raises(UsageError):
            search(store, query)
    with pytest.raises(UsageError):
        search(store, "x" * 501)
    with pytest.raises(UsageError):
        search(store, "burned", limit=0)


def test_limit_and_newest_first(store: Store) -> None:
    hits = search(store, "burned", limit=1)
    assert [h.record_id for h in hits] == ["r2"]


def test_replace_and_unindex(store: Store) -> None:
    with store.transaction() as conn:
        index_record(conn, "r1", "Now about a landmine near the school.")
    assert ids(search(store, "landmine")) == {"r1"}
    assert ids(search(store, "twelve")) == set()
    # Facets kept when not given again.
    [hit] = search(store, "landmine")
    assert (hit.form_id, hit.township) == ("form0", "Township 0")
    with store.transaction() as conn:
        unindex_record(conn, "r1")
        unindex_record(conn, "never-indexed")
    assert search(store, "landmine") == []
    assert indexed_count(store) == 3
    assert store.query("SELECT count(*) FROM record_text") == [(3,)]


def test_index_changes_roll_back_with_the_transaction(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        index_record(conn, "r9", "rollback landmine")
        raise RuntimeError
    assert search(store, "rollback") == []


def test_query_terms() -> None:
    assert query_terms('burned "twelve houses" x') == ["burned", "twelve houses", "x"]
    assert query_terms('"unbalanced') == ["unbalanced"]
    assert fts_phrase('a"b') == '"a""b"'
    assert query_terms("ab\x00cd\tef") == ["ab", "cd", "ef"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@example("00\x00")
@given(st.text(min_size=1, max_size=40))
def test_any_query_is_safe(store: Store, query: str) -> None:
    try:
        search(store, query)
    except UsageError:
        assert not query_terms(query)


# -- snippet edges ---------------------------------------------------------------------


def test_snippet_start_cut_inside_a_burmese_syllable_moves_to_the_next_space() -> None:
    # "…ုံးကြီး ကျောင်း" starts with a vowel sign whose consonant was cut off.
    assert _tidy_edges("…ုံးကြီး ကျောင်း [မီး] ရှို့") == "…ကျောင်း [မီး] ရှို့"


def test_snippet_start_marks_are_dropped_when_no_space_is_near() -> None:
    cut = "…ုံး" + "ကျောင်း" * 3 + " [ရွာ]"
    tidy = _tidy_edges(cut)
    assert tidy.startswith("…ကျ")
    assert tidy.endswith("[ရွာ]")


def test_snippet_end_cut_inside_a_burmese_syllable_drops_the_half_syllable() -> None:
    assert _tidy_edges("[ရွာ] ကွန်ရက်မိတ်ဖက် မျာ…") == "[ရွာ] ကွန်ရက်မိတ်ဖက် …"


def test_snippet_edges_keep_the_highlight_and_leave_english_alone() -> None:
    assert _tidy_edges("…ုံး [ကျောင်း]…") == "…[ကျောင်း]…"
    # A space before the highlight is the only one near: the highlight is kept.
    assert _tidy_edges("…ုံး[ကျောင်း] x") == "…[ကျောင်း] x"
    assert _tidy_edges("…ldiers burned [houses] in the villa…") == (
        "…ldiers burned [houses] in the villa…"
    )
    assert _tidy_edges("[ရွာ]…") == "[ရွာ]…"


def test_burmese_search_snippets_start_on_a_whole_syllable(store: Store) -> None:
    long = "ဘုန်းကြီးကျောင်း " * 8 + "ဆေးခန်းကို ဗုံးကြဲခဲ့သည်။ " + "ဘုန်းကြီးကျောင်း " * 8
    with store.transaction() as conn:
        index_record(conn, "long", long, form_id="form9",
                     facets=Facets("2026-03-09", "MMR010", "Township 9", []))
    (hit,) = search(store, "ဗုံးကြဲ")
    first = hit.snippet.lstrip("…")[0]
    assert not unicodedata.category(first).startswith("M")
    assert "[ဗုံးကြဲ]" in hit.snippet

"""The docs cover every field type, field key and vocabulary."""

from __future__ import annotations

from pathlib import Path

from forms import FIELD_TYPES, Field, vocabulary_ids

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_field_type_and_key_is_documented() -> None:
    text = (DOCS / "forms.md").read_text(encoding="utf-8")
    for kind in FIELD_TYPES:
        assert f"| `{kind}` |" in text, kind
    for key in Field.model_fields:
        assert f"`{key}`" in text, key


def test_every_vocabulary_is_documented() -> None:
    text = (DOCS / "vocabularies.md").read_text(encoding="utf-8")
    for vocab_id in vocabulary_ids():
        assert f"`{vocab_id}`" in text, vocab_id

"""Form definitions, vocabularies, the expression language and answer validation."""

from forms.derive import MASK, Facets, facets, index_text, label_catalogue, mask_sensitive
from forms.errors import FormError, UnknownForm, VocabularyError
from forms.library import library_example, library_form, library_forms
from forms.loader import form_from_json, form_to_json, load_form_file, load_form_text
from forms.locations import location_label, location_source, states, townships, village_tracts
from forms.model import FIELD_TYPES, Choice, FacetFields, Field, FieldType, Form, Term
from forms.termkeys import LabelCatalogue, term_key
from forms.validate import AnswerError, ValidationResult, validate_answers
from forms.vocab import Vocabulary, load_vocabulary_text, vocabulary, vocabulary_ids

__all__ = [
    "FIELD_TYPES",
    "MASK",
    "AnswerError",
    "Choice",
    "FacetFields",
    "Facets",
    "Field",
    "FieldType",
    "Form",
    "FormError",
    "LabelCatalogue",
    "Term",
    "UnknownForm",
    "ValidationResult",
    "Vocabulary",
    "VocabularyError",
    "facets",
    "form_from_json",
    "form_to_json",
    "index_text",
    "label_catalogue",
    "library_example",
    "library_form",
    "library_forms",
    "load_form_file",
    "load_form_text",
    "load_vocabulary_text",
    "location_label",
    "location_source",
    "mask_sensitive",
    "states",
    "term_key",
    "townships",
    "validate_answers",
    "village_tracts",
    "vocabulary",
    "vocabulary_ids",
]

"""Form definitions, vocabularies, the expression language and answer validation."""

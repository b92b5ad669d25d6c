"""Widgets of the fieldkit app: one module per form field type, plus shared pieces."""

"""The Textual app: the only package that imports Textual."""

from fieldkit.tui import cells

# Before any widget measures text: Burmese must be laid out as terminals draw it.
cells.install()

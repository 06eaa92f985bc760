"""The model: format, dates, loading and validation, queries, pledge status.

Nothing under ``tui.model`` imports Textual, so scripts can use it without a terminal.
"""

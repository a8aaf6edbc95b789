"""Importing this package registers every input format, in the order they are tried."""

from shared.extraction.parsers import html_page, json_article, ninjs, text_page

__all__ = ["html_page", "json_article", "ninjs", "text_page"]

"""Text as the index sees it: the languages it analyses, the fields an article gets for that, the query's syntax.

The analysis itself (tokenizing, stemming) happens in Elasticsearch (shared/es/analysis.py, docs/adr/0023).
"""

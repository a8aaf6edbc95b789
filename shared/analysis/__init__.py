"""Language-aware text analysis done in Python.

The Elasticsearch we run has no analysis-common module (no stemmers, no language analyzers),
so words are stemmed here, with Snowball, into `*_stem` fields that Elasticsearch only splits
on whitespace; the user's query words are stemmed the same way before they are searched.
"""

"""The judged query set (docs/relevance.md): precision@10 and MRR of the search ranking on a fixed corpus.

`python -m tests.relevance` indexes the corpus into a namespace of its own, runs every query of
`judgements.json` as the search service builds it and writes `results/latest.md` and `results/latest.json`.
"""

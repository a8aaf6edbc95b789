"""The soak fault suite (`make soak`, `python -m tests.soak [--short]`): one long-lived system, every fault in turn.

docs/soak.md says what it does, how to run it and how to read its results.
"""

"""Topics: saved searches matched against every article as it is indexed (docs/topics.md)."""

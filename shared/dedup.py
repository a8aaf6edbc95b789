"""Near-duplicates: the same story re-sent with small edits, or one wire story on two sites.

MinHash over word 3-shingles of the folded body (datasketch, fixed seed, so every process computes
the same signature), cut into BANDS bands of ROWS rows (LSH). Each band becomes a key such as
"b07:9f3a..." stored in the indexed keyword field `dedup_bands`. An article's candidates are the
indexed articles sharing at least one key (one `terms` query); a candidate counts as the same story
when the Jaccard similarity of the two bodies' shingle sets reaches SIMILARITY. With 16 bands of
4 rows, a pair at Jaccard 0.5 shares a band with probability 0.65, at 0.7 with 0.98, at 0.3 with 0.12.

A duplicate points at the article it duplicates; when that one is itself a duplicate, at its original.
Bodies under MIN_WORDS words are not compared (too little text to tell a copy from a coincidence).
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from functools import lru_cache
from typing import Any

from datasketch import MinHash

from shared.article import NormalizedArticle

log = logging.getLogger(__name__)

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 3
SIMILARITY = 0.6
MIN_WORDS = 40
MAX_CANDIDATES = 10
SEED = 20231017
_WORD = re.compile(r"\w+")


def words_of(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingle_set(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    tokens = words_of(text)
    return {" ".join(tokens[i : i + size]) for i in range(max(0, len(tokens) - size + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


@lru_cache(maxsize=1)
def _template() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=SEED)


def band_keys(text: str) -> list[str]:
    """The LSH band keys of a body; empty when the body is too short to compare."""
    shingles = shingle_set(text)
    if len(words_of(text)) < MIN_WORDS or not shingles:
        return []
    template = _template()
    signature = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=template.permutations, scheme=template.scheme)
    signature.update_batch([s.encode("utf-8") for s in sorted(shingles)])
    values = signature.hashvalues
    keys = []
    for band in range(BANDS):
        rows = values[band * ROWS : (band + 1) * ROWS].tobytes()
        keys.append(f"b{band:02d}:{hashlib.blake2b(rows, digest_size=8).hexdigest()}")
    return keys


def candidates_query(article: NormalizedArticle) -> dict[str, Any]:
    """Articles sharing a band key with this one, other than itself."""
    return {
        "bool": {
            "filter": [{"terms": {"dedup_bands": article.dedup_bands}}],
            "must_not": [{"ids": {"values": [article.id]}}],
        }
    }


def best_match(article: NormalizedArticle, candidates: list[dict[str, Any]]) -> str | None:
    """The id of the original among candidate documents (`_id`, `_source`), or None."""
    mine = shingle_set(article.body)
    best: tuple[float, str] | None = None
    for hit in candidates:
        source = hit.get("_source") or {}
        score = jaccard(mine, shingle_set(source.get("body") or ""))
        if score >= SIMILARITY and (best is None or score > best[0]):
            best = (score, source.get("duplicate_of") or hit["_id"])
    return best[1] if best else None


def find_duplicate(es_client: Any, alias: str, article: NormalizedArticle) -> str | None:
    """The id of an indexed article this one nearly duplicates, or None (also when the lookup fails)."""
    if not article.dedup_bands:
        return None
    try:
        answer = es_client.search(
            index=alias,
            query=candidates_query(article),
            size=MAX_CANDIDATES,
            source=["body", "duplicate_of"],
            sort=[{"ingested_at": {"order": "asc", "unmapped_type": "date"}}],
        )
    except Exception as exc:  # noqa: BLE001 - a failed lookup must not fail the article: it is indexed as new
        log.warning("near-duplicate lookup for %s failed: %r", article.id, exc)
        return None
    return best_match(article, answer["hits"]["hits"])

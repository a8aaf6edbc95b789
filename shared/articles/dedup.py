"""Near-duplicates: the same story re-sent with small edits, or one wire story on two sites.

MinHash over word 3-shingles of the folded body (datasketch's scheme and permutations, fixed seed, so every
process computes the same signature; the shingle hash is ours, see `shingle_hash32`), cut into BANDS bands of ROWS
rows (LSH). Each band becomes a key such as
"b07:9f3a..." stored in the indexed keyword field `dedup_bands`. An article's candidates are the
indexed articles sharing at least one key (one `terms` query); a candidate counts as the same story
when the Jaccard similarity of the two bodies' shingle sets reaches SIMILARITY (the shingles compared as 64-bit hashes,
`shingle_hashes`: two shingles are taken for one only when their words' CRC-32s are equal word for word). With 16 bands of
4 rows, a pair at Jaccard 0.5 shares a band with probability 0.65, at 0.7 with 0.98, at 0.3 with 0.12.

A duplicate points at the article it duplicates; when that one is itself a duplicate, at its original.
Bodies under MIN_WORDS words are not compared (too little text to tell a copy from a coincidence).
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import zlib
from functools import lru_cache
from operator import methodcaller
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHash

log = logging.getLogger(__name__)

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 3
SIMILARITY = 0.6
MIN_WORDS = 40
MAX_CANDIDATES = 10
SEED = 20231017
# The keys' recipe. Stored keys are only comparable with keys of the same recipe: the index records the one it holds
# (its mapping's `_meta`), and an index of another is rolled forward by `python -m shared.es.setup`, which recomputes
# every article's keys (shared/es/migrate.py). 1: SHA-1 of each shingle (datasketch's default); 2: `shingle_hash32`.
KEY_SCHEME = 2
_WORD = re.compile(r"\w+")
_UTF8 = methodcaller("encode", "utf-8")
_MIX = 0x9E3779B97F4A7C15  # odd: multiplying by it modulo 2**64 loses no bits
_MASK64 = (1 << 64) - 1


def words_of(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _shingles(tokens: list[str], size: int = SHINGLE_WORDS) -> set[str]:
    return {" ".join(tokens[i : i + size]) for i in range(max(0, len(tokens) - size + 1))}


def shingle_set(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    return _shingles(words_of(text), size)


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


@lru_cache(maxsize=1)
def _template() -> MinHash:
    # Imported here: datasketch pulls in half a second of modules, and the search service imports this module only
    # for KEY_SCHEME (through the field table).
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED)


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    template = _template()
    if template.scheme != "affine32":  # signature() does this scheme's arithmetic; another would give other keys
        raise RuntimeError(f"datasketch's default MinHash scheme is now {template.scheme!r}, not 'affine32'")
    a, b = template.permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def _fmix32(hv: np.ndarray) -> np.ndarray:
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def shingle_hash32(shingle: str) -> int:
    """The 32-bit hash of one shingle ("w1 w2 w3"): each word's CRC-32, folded in order by a multiply-add modulo
    2**64, high half XOR low half. datasketch mixes it further (MurmurHash3's finalizer) before permuting. This is
    the definition; `signature` computes the same for all shingles of a body at once."""
    folded = 0
    for word in shingle.split(" "):
        folded = (folded * _MIX + zlib.crc32(_UTF8(word))) & _MASK64
    return (folded >> 32) ^ (folded & 0xFFFFFFFF)


class _WordHashes(dict[str, int]):
    """Each word's CRC-32, remembered: most words of an article were in earlier ones, and a dict lookup is a fifth of
    the cost of encoding and hashing the word again. Emptied when full, so a worker's memory stays bounded."""

    LIMIT = 200_000

    def __missing__(self, word: str) -> int:
        if len(self) >= self.LIMIT:
            self.clear()
        value = self[word] = zlib.crc32(_UTF8(word))
        return value


_WORD_HASHES = _WordHashes()


def _folded_shingles(tokens: list[str]) -> np.ndarray:
    """Every shingle of the tokens as its words' CRC-32s folded (uint64; repeats included): one lookup per word
    instead of a SHA-1 object per shingle, which took a third of a worker's CPU."""
    words = np.fromiter(map(_WORD_HASHES.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    count = len(tokens) - SHINGLE_WORDS + 1
    folded = words[:count].copy()
    for offset in range(1, SHINGLE_WORDS):
        folded = folded * np.uint64(_MIX) + words[offset : offset + count]
    return folded


def _shingle_hashes(tokens: list[str]) -> np.ndarray:
    """`shingle_hash32` of every shingle of the tokens (repeats do not change a minimum)."""
    folded = _folded_shingles(tokens)
    return ((folded >> np.uint64(32)) ^ (folded & np.uint64(0xFFFFFFFF))).astype(np.uint32)


def shingle_hashes(text: str) -> np.ndarray:
    """A body's shingle set for comparing: each distinct shingle's 64-bit hash, sorted. Building a set of strings
    for every candidate body was a sixth of the indexer's CPU."""
    tokens = words_of(text)
    if len(tokens) < SHINGLE_WORDS:
        return np.empty(0, dtype=np.uint64)
    return np.unique(_folded_shingles(tokens))


def hashed_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """`jaccard` of two `shingle_hashes` sets."""
    if not a.size or not b.size:
        return 0.0
    shared = np.intersect1d(a, b, assume_unique=True).size
    return shared / (a.size + b.size - shared)


def signature(tokens: list[str]) -> np.ndarray:
    """The MinHash values (uint32) datasketch's `MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=shingle_hash32)`
    gives the tokens' shingles, in a few array operations (one Python call per shingle in datasketch took a tenth of
    a worker's time). A unit test compares the two."""
    hv = _fmix32(_shingle_hashes(tokens).reshape(-1, 1))
    a, b = _permutations()
    values: np.ndarray = (hv * a + b).min(axis=0)
    return values


def band_keys(text: str) -> list[str]:
    """The LSH band keys of a body; empty when the body is too short to compare."""
    tokens = words_of(text)
    if len(tokens) < max(MIN_WORDS, SHINGLE_WORDS):
        return []
    values = signature(tokens)
    keys = []
    for band in range(BANDS):
        rows = values[band * ROWS : (band + 1) * ROWS].tobytes()
        keys.append(f"b{band:02d}:{hashlib.blake2b(rows, digest_size=8).hexdigest()}")
    return keys


def candidates_query(doc_id: str, bands: list[str]) -> dict[str, Any]:
    """Indexed articles sharing a band key with this one, other than itself."""
    return {
        "bool": {
            "filter": [{"terms": {"dedup_bands": bands}}],
            "must_not": [{"ids": {"values": [doc_id]}}],
        }
    }


Candidate = tuple[str, str, str | None]  # id, body, the original it duplicates (None: it is an original)


def best_original(body: str, candidates: list[Candidate], known: dict[str, np.ndarray] | None = None) -> str | None:
    """The id of the original this body duplicates among the candidates, or None. `known`: shingle sets already
    made, by body, which this call adds to (a batch's articles meet the same few candidates again and again)."""
    known = {} if known is None else known
    mine = _known_shingles(body, known)
    best: tuple[float, str] | None = None
    for doc_id, other, duplicate_of in candidates:
        score = hashed_jaccard(mine, _known_shingles(other, known))
        if score >= SIMILARITY and (best is None or score > best[0]):
            best = (score, duplicate_of or doc_id)
    return best[1] if best else None


def _known_shingles(body: str, known: dict[str, np.ndarray]) -> np.ndarray:
    if body not in known:
        known[body] = shingle_hashes(body)
    return known[body]


def _indexed_candidates(es_client: Any, alias: str, docs: list[dict[str, Any]]) -> list[list[Candidate]]:
    """Each document's indexed candidates: the MAX_CANDIDATES oldest indexed articles sharing a band key with it.
    Usually one search for the whole batch; an msearch of one search per document when that one is cut short."""
    try:
        together = _one_search(es_client, alias, docs)
        return together if together is not None else _msearch(es_client, alias, docs)
    except Exception as exc:  # noqa: BLE001 - a failed lookup must not fail the articles: they are indexed as new
        log.warning("near-duplicate lookup for %d articles failed: %r", len(docs), exc)
        return [[] for _ in docs]


CANDIDATE_SOURCE = ["body", "duplicate_of", "dedup_bands"]
SORT_OLDEST_FIRST = [{"ingested_at": {"order": "asc", "unmapped_type": "date"}}]


def _one_search(es_client: Any, alias: str, docs: list[dict[str, Any]]) -> list[list[Candidate]] | None:
    """Every article sharing a band key with any document of the batch, in one search (Elasticsearch costs about
    a millisecond of CPU per search, and most articles have no candidate at all), then each document's own,
    in the same order a search of its own would give. None when there are more than a batch's worth of hits:
    then some document's list may be incomplete."""
    limit = MAX_CANDIDATES * len(docs)
    bands = sorted({band for doc in docs for band in doc["dedup_bands"]})
    answer = es_client.search(
        index=alias,
        query={"terms": {"dedup_bands": bands}},
        size=limit + 1,
        source=CANDIDATE_SOURCE,
        sort=SORT_OLDEST_FIRST,
    )
    hits = answer["hits"]["hits"]
    if len(hits) > limit:
        return None
    lists = []
    for doc in docs:
        mine = set(doc["dedup_bands"])
        own = [h for h in hits if h["_id"] != doc["id"] and mine.intersection((h.get("_source") or {}).get("dedup_bands") or ())]
        lists.append([_candidate(h) for h in own[:MAX_CANDIDATES]])
    return lists


def _msearch(es_client: Any, alias: str, docs: list[dict[str, Any]]) -> list[list[Candidate]]:
    searches: list[dict[str, Any]] = []
    for doc in docs:
        searches.append({"index": alias})
        searches.append(
            {
                "query": candidates_query(doc["id"], doc["dedup_bands"]),
                "size": MAX_CANDIDATES,
                "_source": CANDIDATE_SOURCE,
                "sort": SORT_OLDEST_FIRST,
            }
        )
    answers = es_client.msearch(searches=searches)["responses"]
    return [[_candidate(h) for h in answer.get("hits", {}).get("hits", [])] for answer in answers]


def _candidate(hit: dict[str, Any]) -> Candidate:
    source = hit.get("_source") or {}
    return hit["_id"], source.get("body") or "", source.get("duplicate_of")


def find_duplicates(es_client: Any, alias: str, docs: list[dict[str, Any]]) -> dict[str, str]:
    """Id → original for the documents of one batch that nearly duplicate an indexed article or an earlier
    article of the same batch (earlier by `ingested_at`): one round trip for the whole batch."""
    comparable = sorted((d for d in docs if d.get("dedup_bands")), key=lambda d: str(d.get("ingested_at") or ""))
    if not comparable:
        return {}
    indexed = _indexed_candidates(es_client, alias, comparable)
    originals: dict[str, str] = {}
    known: dict[str, np.ndarray] = {}
    by_band: dict[str, list[int]] = {}  # band key → positions of the batch's earlier documents carrying it
    for i, doc in enumerate(comparable):
        sharing = sorted({j for band in doc["dedup_bands"] for j in by_band.get(band, ())})
        for band in doc["dedup_bands"]:
            by_band.setdefault(band, []).append(i)
        earlier = [comparable[j] for j in sharing if comparable[j]["id"] != doc["id"]]
        candidates = indexed[i] + [(e["id"], e.get("body") or "", originals.get(e["id"])) for e in earlier]
        original = best_original(doc.get("body") or "", candidates, known)
        if original and original != doc["id"]:
            originals[doc["id"]] = original
    return originals

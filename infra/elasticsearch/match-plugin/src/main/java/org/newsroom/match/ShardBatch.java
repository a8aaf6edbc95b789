package org.newsroom.match;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.util.Bits;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.core.CheckedFunction;
import org.elasticsearch.index.IndexService;
import org.elasticsearch.index.engine.Engine;
import org.elasticsearch.index.mapper.IdFieldMapper;
import org.elasticsearch.index.mapper.Uid;
import org.elasticsearch.index.mapper.VersionFieldMapper;
import org.elasticsearch.index.shard.IndexShard;
import org.elasticsearch.rest.RestStatus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * A batch the bulk write has just indexed, read where it was written: the index's one shard, so that the batch's terms
 * are those of the bulk write's own analysis, with no second one. The shard is refreshed first (the refresh a search of
 * the batch would need) unless the batch is readable already: with the batch's versions, each document found live at
 * its version or a newer one (an older copy's text must never match). A scheduled refresh may have come first; with
 * TOPIC_MATCH_AFTER_REFRESH the indexer's bulk write waits for one (refresh=wait_for), so that no batch needs a refresh
 * of its own (docs/adr/0034). An index of several shards, or whose shard is not on this node, is a 400 saying so: the
 * caller matches that batch another way.
 */
final class ShardBatch {
    private ShardBatch() {}

    /** `versions`: each id's version, in the order of `ids`; null to refresh whatever the shard holds. */
    static <T> T read(IndexService index, List<String> ids, long[] versions, CheckedFunction<BatchView, T, IOException> work)
        throws IOException {
        IndexShard shard = index.numberOfShards() == 1 ? index.getShardOrNull(0) : null;
        if (shard == null) {
            throw new ElasticsearchStatusException("no shard of [" + index.index().getName() + "] on this node, or more than one", RestStatus.BAD_REQUEST);
        }
        long refreshNanos = versions == null ? refresh(shard) : -1;
        while (true) {
            try (Engine.Searcher searcher = shard.acquireSearcher("newsroom_match")) {
                List<Long> found = new ArrayList<>(); // each the document's number, then its position in the request
                BitSet current = new BitSet(ids.size()); // the positions found at their version or a newer one
                for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                    locate(leaf, ids, versions, found, current);
                }
                if (refreshNanos >= 0 || current.cardinality() == ids.size()) {
                    IndexSearcher plain = new IndexSearcher(searcher.getIndexReader());
                    plain.setQueryCache(null); // each query runs once, on a few documents: caching would only cost
                    long[] sorted = found.stream().mapToLong(Long::longValue).sorted().toArray();
                    int[] docs = Arrays.stream(sorted).mapToInt(pair -> (int) (pair >>> 32)).toArray();
                    int[] positions = Arrays.stream(sorted).mapToInt(pair -> (int) pair).toArray();
                    return work.apply(new BatchView(plain, docs, positions, Math.max(0, refreshNanos), refreshNanos >= 0));
                }
            }
            refreshNanos = refresh(shard); // some document not readable yet, or only at an older version
        }
    }

    private static long refresh(IndexShard shard) {
        long started = System.nanoTime();
        shard.refresh("newsroom_match");
        return System.nanoTime() - started;
    }

    /**
     * The live document of each id in this segment (an id rewritten since has its older copies deleted), and, in
     * `current`, the positions whose document is at its version or a newer one (every position, without versions).
     */
    private static void locate(LeafReaderContext leaf, List<String> ids, long[] versions, List<Long> found, BitSet current)
        throws IOException {
        Terms idTerms = leaf.reader().terms(IdFieldMapper.NAME);
        if (idTerms == null) {
            return;
        }
        TermsEnum terms = idTerms.iterator();
        Bits live = leaf.reader().getLiveDocs();
        PostingsEnum postings = null;
        for (int i = 0; i < ids.size(); i++) {
            if (terms.seekExact(Uid.encodeId(ids.get(i))) == false) {
                continue;
            }
            postings = terms.postings(postings, PostingsEnum.NONE);
            for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                if (live == null || live.get(doc)) {
                    found.add((long) (leaf.docBase + doc) << 32 | i);
                    current.set(i, versions == null || versionOf(leaf, doc) >= versions[i]);
                }
            }
        }
    }

    private static long versionOf(LeafReaderContext leaf, int doc) throws IOException {
        NumericDocValues versions = leaf.reader().getNumericDocValues(VersionFieldMapper.NAME);
        return versions != null && versions.advanceExact(doc) ? versions.longValue() : -1;
    }
}

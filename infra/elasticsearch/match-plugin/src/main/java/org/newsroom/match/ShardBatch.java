package org.newsroom.match;

import org.apache.lucene.index.LeafReaderContext;
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
import org.elasticsearch.index.shard.IndexShard;
import org.elasticsearch.rest.RestStatus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A batch the bulk write has just indexed, read where it was written: the index's one shard, refreshed (the refresh
 * a search of the batch would need, which the 1 s schedule would otherwise do), so that the batch's terms are those
 * of the bulk write's own analysis, with no second one. An index of several shards, or whose shard is not on this
 * node, is a 400 saying so: the caller matches that batch another way.
 */
final class ShardBatch {
    private ShardBatch() {}

    static <T> T read(IndexService index, List<String> ids, CheckedFunction<BatchView, T, IOException> work) throws IOException {
        IndexShard shard = index.numberOfShards() == 1 ? index.getShardOrNull(0) : null;
        if (shard == null) {
            throw new ElasticsearchStatusException("no shard of [" + index.index().getName() + "] on this node, or more than one", RestStatus.BAD_REQUEST);
        }
        shard.refresh("newsroom_match");
        try (Engine.Searcher searcher = shard.acquireSearcher("newsroom_match")) {
            IndexSearcher plain = new IndexSearcher(searcher.getIndexReader());
            plain.setQueryCache(null); // each query runs once, on a few documents: caching would only cost
            List<Long> found = new ArrayList<>(); // each the document's number, then its position in the request
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                locate(leaf, ids, found);
            }
            long[] sorted = found.stream().mapToLong(Long::longValue).sorted().toArray();
            int[] docs = Arrays.stream(sorted).mapToInt(pair -> (int) (pair >>> 32)).toArray();
            int[] positions = Arrays.stream(sorted).mapToInt(pair -> (int) pair).toArray();
            return work.apply(new BatchView(plain, docs, positions));
        }
    }

    /** The live document of each id in this segment (an id rewritten since has its older copies deleted). */
    private static void locate(LeafReaderContext leaf, List<String> ids, List<Long> found) throws IOException {
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
                }
            }
        }
    }
}

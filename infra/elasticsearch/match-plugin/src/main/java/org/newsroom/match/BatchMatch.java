package org.newsroom.match;

import org.apache.lucene.search.Query;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.index.IndexService;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.Rewriteable;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request's work: the documents into a batch index, then each named query run on it. A query the index refuses
 * (a field of the wrong type, say) is reported under `errors` by its name and the others still run: one bad topic
 * must not keep the rest from matching.
 */
record BatchMatch(List<String> ids, List<BytesReference> sources, Map<String, QueryBuilder> queries) {

    void run(IndexService index, XContentBuilder out) throws IOException {
        long started = System.nanoTime();
        SearchExecutionContext parsing = index.newSearchExecutionContext(0, 0, null, System::currentTimeMillis, null, Map.of());
        Map<String, BitSet> found = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        long indexed, building = 0;
        try (BatchIndex batch = new BatchIndex(parsing, ids, sources)) {
            indexed = System.nanoTime();
            // Queries are made against the batch's own reader, as a search makes them against the shard's: what
            // depends on the reader (fields present, for a wildcard's expansion) sees these documents.
            SearchExecutionContext context = index.newSearchExecutionContext(
                0, 0, batch.searcher(), System::currentTimeMillis, null, Map.of()
            );
            for (Map.Entry<String, QueryBuilder> named : queries.entrySet()) {
                try {
                    long built = System.nanoTime();
                    Query query = Rewriteable.rewrite(named.getValue(), context, true).toQuery(context);
                    building += System.nanoTime() - built;
                    found.put(named.getKey(), batch.matches(query));
                } catch (RuntimeException e) {
                    errors.put(named.getKey(), ExceptionsHelper.unwrapCause(e).toString());
                }
            }
        }
        write(out, found, errors, new long[] { (indexed - started) / 1_000_000, (System.nanoTime() - indexed) / 1_000_000, building / 1_000_000 });
    }

    private void write(XContentBuilder out, Map<String, BitSet> found, Map<String, String> errors, long[] took) throws IOException {
        out.startObject();
        out.field("took", took[0] + took[1]).field("index_took", took[0]).field("match_took", took[1]).field("build_took", took[2]);
        out.field("docs", ids.size()).field("queries", queries.size());
        out.startObject("matches");
        for (Map.Entry<String, BitSet> hit : found.entrySet()) {
            if (hit.getValue().isEmpty()) {
                continue;
            }
            out.startArray(hit.getKey());
            for (int i = hit.getValue().nextSetBit(0); i >= 0; i = hit.getValue().nextSetBit(i + 1)) {
                out.value(ids.get(i));
            }
            out.endArray();
        }
        out.endObject();
        out.field("errors", errors);
        out.endObject();
    }
}

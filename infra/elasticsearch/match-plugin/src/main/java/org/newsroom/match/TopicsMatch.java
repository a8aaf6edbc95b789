package org.newsroom.match;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.index.IndexService;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * A batch the bulk write has just indexed, matched against a registered topic set: the batch read from the index's
 * shard (ShardBatch: refreshed unless each document is readable at its version already), the topics worth running
 * picked from its terms (TopicFiling), and only those run, each on its candidates. An unknown set (never registered
 * on this node, dropped, or the mapping changed since) is a 409: the client registers it and asks again.
 */
record TopicsMatch(List<String> ids, long[] versions, String topics, TopicRegistry registry) implements MatchWork {

    @Override
    public void run(IndexService index, XContentBuilder out) throws Exception {
        long started = System.nanoTime();
        TopicFiling filing = registry.of(index).set(topics);
        if (filing == null) {
            throw new ElasticsearchStatusException(
                "unknown topics [" + topics + "] on this node: register them with PUT /<index>/_newsroom_topics",
                RestStatus.CONFLICT
            );
        }
        ShardBatch.read(index, ids, versions, batch -> answer(out, filing, batch, started));
    }

    private Void answer(XContentBuilder out, TopicFiling filing, BatchView batch, long started) throws IOException {
        long readable = System.nanoTime();
        IndexTopics.Result result = IndexTopics.match(filing, batch);
        long done = System.nanoTime();
        out.startObject();
        out.field("took", (done - started) / 1_000_000).field("refresh_took", batch.refreshNanos() / 1_000_000);
        out.field("refreshed", batch.refreshed());
        out.field("match_took", (done - readable) / 1_000_000);
        out.field("docs", ids.size()).field("found", batch.size());
        out.field("topics", filing.size()).field("candidates", result.candidates()).field("run", result.run());
        out.startObject("matches");
        for (Map.Entry<String, BitSet> hit : result.found().entrySet()) {
            out.startArray(hit.getKey());
            for (int i = hit.getValue().nextSetBit(0); i >= 0; i = hit.getValue().nextSetBit(i + 1)) {
                out.value(ids.get(i));
            }
            out.endArray();
        }
        out.endObject();
        out.field("errors", result.errors());
        out.endObject();
        return null;
    }
}

package org.newsroom.match;

import org.elasticsearch.index.IndexService;
import org.elasticsearch.index.engine.Engine;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.shard.IndexShard;
import org.elasticsearch.xcontent.XContentBuilder;

import java.util.List;
import java.util.Map;

/**
 * PUT /{index}/_newsroom_topics {"id": set, "keys": [every key of the set], "queries": {key: DSL, for keys maybe new}}:
 * a topic set registered on this node, each query built once for every batch to come, and each topic filed under its
 * rarest need by the documents of the node's shard of the index. The answer's `missing` lists the keys whose queries
 * this node lacks: the set is registered once they are sent.
 */
record TopicsRegistration(
    String id,
    List<String> keys,
    Map<String, QueryBuilder> queries,
    Map<String, String> unreadable,
    TopicRegistry registry
)
    implements
        MatchWork {

    @Override
    public void run(IndexService index, XContentBuilder out) throws Exception {
        long started = System.nanoTime();
        IndexTopics held = registry.of(index);
        IndexTopics.Registration done;
        IndexShard shard = index.iterator().hasNext() ? index.iterator().next() : null;
        try (Engine.Searcher searcher = shard == null ? null : shard.acquireSearcher("newsroom_topics")) {
            done = held.register(id, keys, queries, unreadable, TopicRegistry.queryContext(index), searcher == null ? null : searcher.getIndexReader());
        }
        out.startObject();
        out.field("took", (System.nanoTime() - started) / 1_000_000).field("id", id).field("keys", keys.size());
        out.field("registered", done.missing().isEmpty()).field("built", done.built()).field("held", held.held());
        out.field("missing", done.missing()).field("errors", done.errors());
        out.endObject();
    }
}

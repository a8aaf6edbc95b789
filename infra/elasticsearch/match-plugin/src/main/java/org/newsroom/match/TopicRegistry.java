package org.newsroom.match;

import org.elasticsearch.index.IndexService;
import org.elasticsearch.index.query.FilteredSearchExecutionContext;
import org.elasticsearch.index.query.SearchExecutionContext;

import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This node's registered topics, per index as it is mapped now: a mapping change (a new field) gives new analyzers,
 * so the topics are registered again and those of the older mapping dropped. An index's topics are dropped too when
 * the index leaves this node (deleted, closed, moved): a node that lives for weeks holds the topics of the indices it
 * has, not of every index it ever matched for (each set of 10,000 topics is a few hundred megabytes of built queries).
 * Held in the heap only: a restarted node answers "unknown topics" and the indexer registers them again. At most
 * {@link #KEPT_INDICES} indices, least recently used dropped.
 */
final class TopicRegistry {
    static final int KEPT_INDICES = 16;

    private record Held(String name, long mappingVersion, IndexTopics topics) {}

    private final Map<String, Held> indices = new LinkedHashMap<>(16, 0.75f, true); // by index uuid

    synchronized IndexTopics of(IndexService index) {
        String uuid = index.index().getUUID();
        long version = index.getMetadata().getMappingVersion();
        Held held = indices.get(uuid);
        if (held == null || held.mappingVersion() != version) {
            held = new Held(index.index().getName(), version, new IndexTopics());
            indices.put(uuid, held);
        }
        var eldest = indices.keySet().iterator();
        while (indices.size() > KEPT_INDICES) {
            eldest.next();
            eldest.remove();
        }
        return held.topics();
    }

    /** The index left this node: its topics go with it. */
    synchronized void forget(String uuid) {
        indices.remove(uuid);
    }

    /** What the node holds, index by index, for GET /_newsroom_topics. */
    synchronized void describe(XContentBuilder out) throws IOException {
        out.startObject().startArray("indices");
        for (Map.Entry<String, Held> entry : indices.entrySet()) {
            Held held = entry.getValue();
            out.startObject().field("index", held.name()).field("uuid", entry.getKey());
            out.field("mapping_version", held.mappingVersion()).field("topics", held.topics().held()).endObject();
        }
        out.endArray().endObject();
    }

    /**
     * A context to build topics' queries in once, for every batch to come: no reader, as the percolator builds its
     * queries, and every mapped field taken as present, so that a wildcard field list expands to all the fields it
     * names rather than to those of some reader.
     */
    static SearchExecutionContext queryContext(IndexService index) {
        SearchExecutionContext plain = index.newSearchExecutionContext(0, 0, null, System::currentTimeMillis, null, Map.of());
        return new FilteredSearchExecutionContext(plain) {
            @Override
            public boolean fieldExistsInIndex(String fieldname) {
                return true;
            }
        };
    }
}

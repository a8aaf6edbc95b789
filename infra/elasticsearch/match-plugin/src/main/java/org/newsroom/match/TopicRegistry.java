package org.newsroom.match;

import org.elasticsearch.index.IndexService;
import org.elasticsearch.index.query.FilteredSearchExecutionContext;
import org.elasticsearch.index.query.SearchExecutionContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This node's registered topics, per index and mapping version: a mapping change (a new field) gives new analyzers,
 * so the topics are registered again. Held in the heap only: a restarted node answers "unknown topics" and the
 * indexer registers them again. At most {@link #KEPT_INDICES} indices, least recently used dropped.
 */
final class TopicRegistry {
    static final int KEPT_INDICES = 16;

    private final Map<String, IndexTopics> indices = new LinkedHashMap<>(16, 0.75f, true);

    synchronized IndexTopics of(IndexService index) {
        String key = index.index().getUUID() + "/" + index.getMetadata().getMappingVersion();
        IndexTopics topics = indices.computeIfAbsent(key, k -> new IndexTopics());
        var eldest = indices.keySet().iterator();
        while (indices.size() > KEPT_INDICES) {
            eldest.next();
            eldest.remove();
        }
        return topics;
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

package org.newsroom.match;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.Query;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.Rewriteable;
import org.elasticsearch.index.query.SearchExecutionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The topics registered for one index, as it is mapped now: each topic's query built once, with what a document must
 * hold for it to match (its {@link Needs}), for every batch to come.
 *
 * Topics come in sets, each named by its client (a digest of the set): the queries are keyed by their own digest, so
 * a set that differs from the last by one topic costs one query built. The last {@link #KEPT_SETS} sets are kept, so
 * that indexers a topic edit apart do not take turns rebuilding; a query no kept set names is dropped.
 */
final class IndexTopics {
    static final int KEPT_SETS = 8;

    private final Map<String, TopicFiling> sets = new LinkedHashMap<>(16, 0.75f, true); // least recently used first
    private final Map<String, Topic> held = new HashMap<>();
    private final Map<String, String> refused = new HashMap<>(); // key -> why: known, never matching, reported again
    private final Map<Term, Long> counts = new HashMap<>(); // term -> documents of the shard holding it
    private long countedAt; // the shard's documents when those counts were taken
    static final int GROWTH = 2;

    /**
     * A topic as a batch needs it: its query without its areas, the areas a document must lie in, the atoms it must
     * hold some of, need by need, and whether meeting them all (and lying in the areas) is matching it: then the query
     * is not run.
     */
    record Topic(String key, Query query, List<Area> areas, List<Needs.Atom[]> needs, boolean exact) {
        static Topic of(String key, Query query) {
            Area.Split split = Area.of(query);
            return new Topic(key, split.rest(), split.areas(), Needs.of(split.rest()), Needs.exact(split.rest()) != null);
        }
    }

    /** A registered set, filed for matching; null: the client registers it then. */
    synchronized TopicFiling set(String id) {
        return sets.get(id);
    }

    /**
     * Registers a set: the keys it names, of which the queries not held yet are built from those sent. A key neither
     * held nor sent is answered as missing, and the set is not registered until its query comes; a query
     * Elasticsearch could not read or refuses comes back by key, with why, in this and every later registration that
     * names it (it is known: not missing), and matches nothing. `reader`: the shard's documents (null: none here), whose
     * counts of each term file each topic under its rarest need; the counts are kept, and taken again once the shard has
     * doubled (a topic's filing only decides how often its needs are checked, never whether it matches).
     */
    synchronized Registration register(
        String id,
        List<String> keys,
        Map<String, QueryBuilder> queries,
        Map<String, String> unreadable,
        SearchExecutionContext context,
        IndexReader reader
    ) {
        refused.putAll(unreadable);
        ToLongFunction<Term> count = counts(reader);
        int built = 0;
        for (Map.Entry<String, QueryBuilder> keyed : queries.entrySet()) {
            String key = keyed.getKey();
            if (held.containsKey(key)) {
                continue;
            }
            try {
                Query query = Rewriteable.rewrite(keyed.getValue(), context, true).toQuery(context);
                held.put(key, Topic.of(key, query));
                refused.remove(key);
                built++;
            } catch (RuntimeException | IOException e) {
                refused.put(key, ExceptionsHelper.unwrapCause(e).toString());
            }
        }
        List<String> missing = keys.stream().filter(key -> held.containsKey(key) == false && refused.containsKey(key) == false).toList();
        Map<String, String> errors = new LinkedHashMap<>();
        keys.stream().filter(refused::containsKey).forEach(key -> errors.put(key, refused.get(key)));
        if (missing.isEmpty()) {
            List<Topic> topics = keys.stream().map(held::get).filter(topic -> topic != null).toList();
            sets.put(id, TopicFiling.of(topics, count));
            forgetOldSets();
        }
        return new Registration(missing, errors, built);
    }

    /** How many of the shard's documents hold a term, remembered until the shard doubles. */
    private ToLongFunction<Term> counts(IndexReader reader) {
        if (reader == null) {
            return term -> 0;
        }
        if (reader.numDocs() >= GROWTH * Math.max(1, countedAt)) {
            counts.clear();
            countedAt = reader.numDocs();
        }
        return term -> counts.computeIfAbsent(term, t -> {
            try {
                return (long) reader.docFreq(t);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    record Registration(List<String> missing, Map<String, String> errors, int built) {}

    private void forgetOldSets() {
        if (sets.size() <= KEPT_SETS) {
            return;
        }
        var eldest = sets.keySet().iterator();
        while (sets.size() > KEPT_SETS) {
            eldest.next();
            eldest.remove();
        }
        Set<String> named = new HashSet<>();
        sets.values().forEach(filing -> named.addAll(filing.keys()));
        held.keySet().retainAll(named);
        refused.keySet().retainAll(named);
    }

    synchronized int held() {
        return held.size();
    }

    /** For each topic of the set that matches, the positions of the documents it finds; errors by key. */
    static Result match(TopicFiling filing, BatchView batch) throws IOException {
        Map<String, BitSet> found = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        List<TopicFiling.Candidate> candidates = filing.candidates(batch);
        FieldDocs fields = new FieldDocs(batch);
        int run = 0;
        for (TopicFiling.Candidate candidate : candidates) {
            Topic topic = candidate.topic();
            try {
                BitSet docs = candidate.docs();
                for (Area area : topic.areas()) {
                    docs = batch.found(area.weight(batch), docs);
                }
                boolean runs = docs.isEmpty() == false && topic.exact() == false;
                run += runs ? 1 : 0;
                BitSet hits = runs ? run(batch, fields, topic, docs) : batch.positions(docs);
                if (hits.isEmpty() == false) {
                    found.put(topic.key(), hits);
                }
            } catch (RuntimeException e) {
                errors.put(topic.key(), ExceptionsHelper.unwrapCause(e).toString());
            }
        }
        return new Result(found, errors, candidates.size(), run);
    }

    private static BitSet run(BatchView batch, FieldDocs fields, Topic topic, BitSet docs) throws IOException {
        Query pruned = Pruned.of(topic.query(), field -> fields.anyOf(field, docs));
        return batch.matches(pruned, docs);
    }

    record Result(Map<String, BitSet> found, Map<String, String> errors, int candidates, int run) {}
}

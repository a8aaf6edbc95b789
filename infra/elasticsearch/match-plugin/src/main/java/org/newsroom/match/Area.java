package org.newsroom.match;

import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Weight;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An area a topic requires (`near` and `within`: a distance from a point), checked on its candidates by the area's
 * doc-values query, whose weight is made once and kept for every batch to come. Lucene's distance weight computes a
 * grid of boxes around the circle each time it is made (about half a request's time at 10,000 topics, most of them
 * without an area), and reads nothing of the searcher it is made with: only each segment's doc values, when asked.
 */
final class Area {
    // The class of a distance's doc-values half: not public in Lucene, so known by its name.
    static final String DISTANCE = "org.apache.lucene.document.LatLonDocValuesQuery";

    private final Query query;
    private volatile Weight weight;

    private Area(Query query) {
        this.query = query;
    }

    /** A topic's query with its required areas taken out (each left as "all documents"), and those areas. */
    record Split(Query rest, List<Area> areas) {}

    static Split of(Query query) {
        return query instanceof BooleanQuery bool ? of(bool) : new Split(query, List.of());
    }

    private static Split of(BooleanQuery bool) {
        BooleanQuery.Builder rest = new BooleanQuery.Builder().setMinimumNumberShouldMatch(bool.getMinimumNumberShouldMatch());
        List<Area> areas = new ArrayList<>();
        for (BooleanClause clause : bool.clauses()) {
            Query distance = clause.isRequired() ? distance(clause.query()) : null;
            if (distance == null) {
                rest.add(clause);
            } else {
                areas.add(new Area(distance));
                rest.add(new MatchAllDocsQuery(), clause.occur()); // still required: the clauses left keep their sense
            }
        }
        return areas.isEmpty() ? new Split(bool, List.of()) : new Split(rest.build(), areas);
    }

    private static Query distance(Query clause) {
        if (clause instanceof IndexOrDocValuesQuery either && either.getRandomAccessQuery().getClass().getName().equals(DISTANCE)) {
            return either.getRandomAccessQuery();
        }
        return null;
    }

    /** The weight of the area, made on the first batch that asks and kept (see the class's comment). */
    Weight weight(BatchView batch) throws IOException {
        Weight made = weight;
        if (made == null) {
            made = batch.weight(query);
            weight = made;
        }
        return made;
    }
}

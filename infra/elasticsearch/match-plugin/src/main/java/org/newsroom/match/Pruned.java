package org.newsroom.match;

import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.MultiPhraseQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.SynonymQuery;
import org.apache.lucene.search.TermQuery;

import java.util.function.Predicate;

/**
 * A topic's query with its clauses on fields that none of its candidate documents has replaced by "nothing", for
 * Lucene's rewrite to drop: a topic's words reach every language's fields (about 50), its candidates one language's.
 * On its candidate documents the pruned query finds exactly what the whole one finds; elsewhere it may find more
 * (a clause it must not match is gone), so its hits are kept to the candidates.
 */
final class Pruned {
    private Pruned() {}

    static Query of(Query query, Predicate<String> present) {
        return switch (query) {
            case TermQuery term -> keep(query, term.getTerm().field(), present);
            case PhraseQuery phrase -> phrase.getField() == null ? query : keep(query, phrase.getField(), present);
            case SynonymQuery synonyms -> keep(query, synonyms.getField(), present);
            case MultiPhraseQuery phrase -> keep(query, phrase.getTermArrays()[0][0].field(), present);
            // Both halves find the same documents; the candidates are few, and checked one by one, which the doc-values
            // half does reading each one's point (a required distance never gets here: Area checks it beforehand).
            case IndexOrDocValuesQuery either -> either.getRandomAccessQuery();
            case BoostQuery boost -> new BoostQuery(of(boost.getQuery(), present), boost.getBoost());
            case ConstantScoreQuery constant -> new ConstantScoreQuery(of(constant.getQuery(), present));
            case DisjunctionMaxQuery max -> new DisjunctionMaxQuery(
                max.getDisjuncts().stream().map(branch -> of(branch, present)).toList(),
                max.getTieBreakerMultiplier()
            );
            case BooleanQuery bool -> {
                BooleanQuery.Builder pruned = new BooleanQuery.Builder().setMinimumNumberShouldMatch(bool.getMinimumNumberShouldMatch());
                for (BooleanClause clause : bool.clauses()) {
                    pruned.add(of(clause.query(), present), clause.occur());
                }
                yield pruned.build();
            }
            default -> query;
        };
    }

    private static Query keep(Query query, String field, Predicate<String> present) {
        return present.test(field) ? query : new MatchNoDocsQuery("no candidate has [" + field + "]");
    }
}

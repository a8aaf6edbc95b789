package org.newsroom.match;

import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.MultiPhraseQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.SynonymQuery;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.BytesRefIterator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * What a document must hold for a query to match it, read from the query Elasticsearch built: a list of needs, each
 * a set of atoms (a term, or two terms side by side) of which the document holds at least one. Every need is implied by the query, so a document missing
 * one cannot match: an empty list knows nothing (the query is run on every batch), and a need with no term can never
 * be met (the query matches nothing).
 *
 * A query of a kind not read here (a geo shape, a prefix, a range) adds no need: it is left to the query itself.
 */
final class Needs {
    private Needs() {}

    /** A term; or a phrase's terms, each at its offset from the first, in one field. */
    record Atom(List<Term> terms, List<Integer> offsets) {
        static Atom of(Term term) {
            return new Atom(List.of(term), List.of(0));
        }

        boolean isRun() {
            return terms.size() > 1;
        }

        /** At most as many documents hold a run as hold its rarest term. */
        long count(ToLongFunction<Term> count) {
            return terms.stream().mapToLong(count).min().orElse(0);
        }

        Term rarest(ToLongFunction<Term> count) {
            return terms.stream().min(Comparator.comparingLong(count)).orElseThrow();
        }
    }

    static final Atom[] NEVER = new Atom[0];

    static List<Atom[]> of(Query query) {
        return switch (query) {
            case BoostQuery boost -> of(boost.getQuery());
            case ConstantScoreQuery constant -> of(constant.getQuery());
            case IndexOrDocValuesQuery either -> of(either.getIndexQuery());
            case TermQuery term -> List.<Atom[]>of(atoms(term.getTerm()));
            case SynonymQuery synonyms -> List.<Atom[]>of(atoms(synonyms.getTerms().toArray(Term[]::new)));
            case TermInSetQuery terms -> List.<Atom[]>of(atoms(termsOf(terms)));
            case PhraseQuery phrase -> ofPhrase(phrase);
            case MultiPhraseQuery phrase -> Arrays.stream(phrase.getTermArrays()).map(Needs::atoms).toList();
            case MatchNoDocsQuery none -> List.<Atom[]>of(NEVER);
            case DisjunctionMaxQuery max -> anyOf(max.getDisjuncts());
            case BooleanQuery bool -> ofBoolean(bool);
            default -> List.of();
        };
    }

    /**
     * Whether meeting every need of {@link #of} is the same as matching the query, so that a topic need not run: null
     * when it is not (a distance, a prefix, an exclusion, a slop); else the place in {@link #of}'s list of a need that
     * alone is the same as the query (a term's, a phrase's run), or -1 when only all of them together are.
     */
    static Integer exact(Query query) {
        return switch (query) {
            case BoostQuery boost -> exact(boost.getQuery());
            case ConstantScoreQuery constant -> exact(constant.getQuery());
            case IndexOrDocValuesQuery either -> exact(either.getIndexQuery());
            case TermQuery term -> 0;
            case SynonymQuery synonyms -> 0;
            case TermInSetQuery terms -> 0;
            case MatchNoDocsQuery none -> 0;
            case MatchAllDocsQuery all -> -1;
            case PhraseQuery phrase -> phrase.getTerms().length < 2 ? Integer.valueOf(0)
                : phrase.getSlop() == 0 ? Integer.valueOf(phrase.getTerms().length) : null;
            case DisjunctionMaxQuery max -> exactAnyOf(max.getDisjuncts());
            case BooleanQuery bool -> exactBoolean(bool);
            default -> null;
        };
    }

    /** All its required clauses exact, nothing excluded, and its optional ones either beside them or one of them needed. */
    private static Integer exactBoolean(BooleanQuery bool) {
        boolean required = false;
        for (BooleanClause clause : bool.clauses()) {
            switch (clause.occur()) {
                case MUST_NOT -> {
                    return null;
                }
                case MUST, FILTER -> {
                    if (exact(clause.query()) == null) {
                        return null;
                    }
                    required = true;
                }
                case SHOULD -> {}
            }
        }
        Collection<Query> optional = bool.getClauses(BooleanClause.Occur.SHOULD);
        if (optional.isEmpty() == false && required == false) {
            return bool.getMinimumNumberShouldMatch() <= 1 ? exactAnyOf(optional) : null;
        }
        if (optional.isEmpty() == false && bool.getMinimumNumberShouldMatch() > 0) {
            return null;
        }
        return of(bool).size() == 1 ? Integer.valueOf(0) : Integer.valueOf(-1);
    }

    /**
     * A disjunction is exact when each branch has a need the same as itself, all at one place j of the branches'
     * needs taken in step: the whole's j-th need, their union, is then the same as the whole.
     */
    private static Integer exactAnyOf(Collection<Query> branches) {
        List<int[]> each = new ArrayList<>(); // {its size, the place of its need the same as itself}
        for (Query branch : branches) {
            List<Atom[]> needs = of(branch);
            Integer alone = exact(branch);
            if (needs.stream().anyMatch(need -> need.length == 0)) {
                continue; // never matches: adds nothing, as in anyOf
            }
            if (alone == null || needs.isEmpty()) {
                return alone == null ? null : Integer.valueOf(-1); // unknown, or a branch that matches everything
            }
            int place = alone == -1 && needs.size() == 1 ? 0 : alone;
            if (place < 0) {
                return null;
            }
            each.add(new int[] { needs.size(), place });
        }
        int longest = each.stream().mapToInt(branch -> branch[0]).max().orElse(0);
        for (int j = 0; j < longest; j++) {
            final int at = j;
            if (each.stream().allMatch(branch -> Math.min(at, branch[0] - 1) == branch[1])) {
                return j;
            }
        }
        return longest == 0 ? Integer.valueOf(0) : null;
    }

    /** Each of its terms; and, with no slop, the whole run of them (far rarer than any one alone). */
    private static List<Atom[]> ofPhrase(PhraseQuery phrase) {
        Term[] terms = phrase.getTerms();
        if (terms.length == 0) {
            return List.<Atom[]>of(NEVER);
        }
        List<Atom[]> needs = new ArrayList<>();
        for (Term term : terms) {
            needs.add(atoms(term));
        }
        if (phrase.getSlop() == 0 && terms.length > 1) {
            int[] positions = phrase.getPositions();
            List<Integer> offsets = Arrays.stream(positions).map(position -> position - positions[0]).boxed().toList();
            needs.add(new Atom[] { new Atom(List.of(terms), offsets) });
        }
        return needs;
    }

    private static Atom[] atoms(Term... terms) {
        return Arrays.stream(terms).map(Atom::of).toArray(Atom[]::new);
    }

    /** Every required clause's needs; and, where the optional clauses must match one, a need of any of theirs. */
    private static List<Atom[]> ofBoolean(BooleanQuery bool) {
        List<Atom[]> needs = new ArrayList<>();
        boolean required = false;
        for (BooleanClause clause : bool.clauses()) {
            if (clause.occur() == BooleanClause.Occur.MUST || clause.occur() == BooleanClause.Occur.FILTER) {
                needs.addAll(of(clause.query()));
                required = true;
            }
        }
        Collection<Query> optional = bool.getClauses(BooleanClause.Occur.SHOULD);
        if (optional.isEmpty() == false && (required == false || bool.getMinimumNumberShouldMatch() > 0)) {
            needs.addAll(anyOf(optional));
        }
        return needs;
    }

    /**
     * A document that matches one of these queries holds every need of that one: so, picking one need of each
     * branch, the union of the picks is a need of the whole. The branches of one text over many fields have their
     * needs in the same order (the same words, then the same neighbours), so the j-th needs are picked together, and
     * the whole keeps every need its branches share. A branch that can never match adds nothing; one with no known
     * need makes the whole unknown.
     */
    private static List<Atom[]> anyOf(Collection<Query> branches) {
        List<List<Atom[]>> each = new ArrayList<>();
        for (Query branch : branches) {
            List<Atom[]> needs = of(branch);
            if (needs.isEmpty()) {
                return List.of();
            }
            if (needs.stream().noneMatch(need -> need.length == 0)) {
                each.add(needs);
            }
        }
        int longest = each.stream().mapToInt(List::size).max().orElse(0);
        if (longest == 0) {
            return List.<Atom[]>of(NEVER);
        }
        List<Atom[]> whole = new ArrayList<>();
        for (int j = 0; j < longest; j++) {
            Set<Atom> any = new LinkedHashSet<>();
            for (List<Atom[]> needs : each) {
                any.addAll(Arrays.asList(needs.get(Math.min(j, needs.size() - 1))));
            }
            whole.add(any.toArray(Atom[]::new));
        }
        return whole;
    }

    /**
     * The need the fewest documents meet: the sum of its atoms' counts (a need with no atom, never met, first); of
     * needs as rare, two terms side by side before a term alone (the counts are of terms: a pair is rarer still).
     */
    static Atom[] rarest(List<Atom[]> needs, ToLongFunction<Term> count) {
        Comparator<Atom[]> rarity = Comparator.comparingLong(need -> cost(need, count));
        return needs.stream().min(rarity.thenComparing(need -> Arrays.stream(need).noneMatch(Atom::isRun))).orElseThrow();
    }

    static long cost(Atom[] need, ToLongFunction<Term> count) {
        long sum = 0;
        for (Atom atom : need) {
            sum += atom.count(count);
        }
        return sum;
    }

    private static Term[] termsOf(TermInSetQuery query) {
        List<Term> terms = new ArrayList<>();
        try {
            BytesRefIterator values = query.getBytesRefIterator();
            for (BytesRef value = values.next(); value != null; value = values.next()) {
                terms.add(new Term(query.getField(), BytesRef.deepCopyOf(value)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an iterator over the query's own bytes in the heap
        }
        return terms.toArray(Term[]::new);
    }
}

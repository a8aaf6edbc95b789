package org.newsroom.match;

import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Term;
import org.apache.lucene.internal.hppc.LongIntHashMap;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which documents of a batch hold each run (a phrase's terms, each at its offset from the first), for every run of a
 * topic set at once. A run is known by its links: each term with the next one and the gap between them. A batch's
 * documents are read once per field, token by token (only the terms some run holds), noting which links each holds;
 * a run of two terms is then its one link's documents, a longer one the documents holding all its links, checked
 * place by place. The cost is the batch's text, not runs times documents: checking each (run, document) pair was most
 * of a request's time at 10,000 topics, whose phrases shared the few words of every article.
 *
 * The links are in Lucene's `internal.hppc` hash map of longs: the node's own Lucene, which this plugin is built against.
 */
final class Runs {
    private static final int TERM_BITS = 26;
    private static final int GAP_BITS = 12;
    private static final int[] NO_RUNS = new int[0];

    private final List<Term> terms; // term number -> term (the filing's numbers)
    private final List<int[]> atoms; // atom number -> term number, offset; term number, offset...
    private final Map<String, Map<BytesRef, Integer>> fieldTerms = new HashMap<>(); // field -> its runs' terms, numbered
    private final Map<String, Integer> widest = new HashMap<>(); // field -> the widest gap of its runs' links
    private final LongIntHashMap links = new LongIntHashMap(); // every run's links, numbered
    private final int[][] linksOf; // atom number -> its links' numbers (null: not a run, or a link too wide to note)
    private final int[][] rest; // atom number -> a run of three terms or more: its later terms, each with its offset
    private final int[][] longerFrom; // link number -> the runs of three terms or more that begin with it
    private final long[] gapsFrom; // term number -> a bit per gap (0 to 63) some link beginning with it has

    Runs(List<Term> terms, List<int[]> atoms) {
        this.terms = terms;
        this.atoms = atoms;
        this.linksOf = new int[atoms.size()][];
        this.rest = new int[atoms.size()][];
        this.gapsFrom = new long[terms.size()];
        Map<Integer, List<Integer>> longer = new HashMap<>();
        for (int atom = 0; atom < atoms.size(); atom++) {
            int[] parts = atoms.get(atom);
            if (parts.length <= 2) {
                continue;
            }
            String field = terms.get(parts[0]).field();
            for (int k = 0; k < parts.length; k += 2) {
                fieldTerms.computeIfAbsent(field, f -> new HashMap<>()).put(terms.get(parts[k]).bytes(), parts[k]);
            }
            long[] own = linksOfRun(parts);
            if (own != null) {
                linksOf[atom] = Arrays.stream(own).mapToInt(this::number).toArray();
                for (long link : own) {
                    gapsFrom[(int) (link >>> (TERM_BITS + GAP_BITS))] |= gapBit((int) (link & ((1 << GAP_BITS) - 1)));
                }
                int gap = Arrays.stream(own).mapToInt(link -> (int) (link & ((1 << GAP_BITS) - 1))).max().orElse(0);
                widest.merge(field, gap, Math::max);
                if (parts.length > 4) {
                    rest[atom] = restOfRun(parts);
                    longer.computeIfAbsent(linksOf[atom][0], link -> new ArrayList<>()).add(atom);
                }
            }
        }
        this.longerFrom = new int[links.size()][];
        longer.forEach((link, runs) -> longerFrom[link] = runs.stream().mapToInt(Integer::intValue).toArray());
    }

    /** A run's terms after its first (the one of the least offset), each with its offset from that first one. */
    private static int[] restOfRun(int[] parts) {
        Integer[] order = byOffset(parts);
        int[] out = new int[2 * (order.length - 1)];
        for (int k = 1; k < order.length; k++) {
            out[2 * (k - 1)] = parts[2 * order[k]];
            out[2 * (k - 1) + 1] = parts[2 * order[k] + 1] - parts[2 * order[0] + 1];
        }
        return out;
    }

    private static Integer[] byOffset(int[] parts) {
        Integer[] order = new Integer[parts.length / 2];
        Arrays.setAll(order, k -> k);
        Arrays.sort(order, (x, y) -> Integer.compare(parts[2 * x + 1], parts[2 * y + 1]));
        return order;
    }

    private int number(long link) {
        int known = links.getOrDefault(link, -1);
        if (known < 0) {
            known = links.size();
            links.put(link, known);
        }
        return known;
    }

    /** The run's links in the order of its offsets; null when a term's number or a gap does not fit a link. */
    private static long[] linksOfRun(int[] parts) {
        Integer[] order = byOffset(parts);
        int n = order.length;
        long[] out = new long[n - 1];
        for (int k = 0; k + 1 < n; k++) {
            int first = parts[2 * order[k]], second = parts[2 * order[k + 1]];
            int gap = parts[2 * order[k + 1] + 1] - parts[2 * order[k] + 1];
            if (first >= 1 << TERM_BITS || second >= 1 << TERM_BITS || gap >= 1 << GAP_BITS) {
                return null;
            }
            out[k] = link(first, second, gap);
        }
        return out;
    }

    /** A gap's bit in `gapsFrom`: gaps past 63 share the last bit (they are rare: looked up whenever it is set). */
    private static long gapBit(int gap) {
        return 1L << Math.min(gap, 63);
    }

    private static long link(int first, int second, int gap) {
        return (long) first << (TERM_BITS + GAP_BITS) | (long) second << GAP_BITS | gap;
    }

    /** This batch's runs, found when first asked. */
    Batch on(BatchView batch) {
        return new Batch(batch);
    }

    final class Batch {
        private final BatchView batch;
        private final BitSet[] linkDocs = new BitSet[links.size()];
        private final Map<String, Tokens[]> read = new HashMap<>(); // field -> slot -> its tokens of run terms
        private final BitSet[] atomDocs = new BitSet[atoms.size()];

        private Batch(BatchView batch) {
            this.batch = batch;
        }

        /**
         * The documents (slots) holding the run: a run of two terms, those holding its link; a longer one, those where
         * its first link began a whole run (noted as the tokens were read); one with a link too wide to note, each
         * document checked place by place.
         */
        BitSet docsOf(int atom) throws IOException {
            int[] parts = atoms.get(atom);
            Tokens[] held = read(terms.get(parts[0]).field());
            if (atomDocs[atom] == null && linksOf[atom] == null) {
                BitSet docs = new BitSet(batch.size());
                for (int slot = 0; slot < held.length; slot++) {
                    docs.set(slot, held[slot].hasRun(parts));
                }
                atomDocs[atom] = docs;
            } else if (atomDocs[atom] == null) {
                BitSet linked = parts.length > 4 ? null : linkDocs[linksOf[atom][0]]; // a longer run: none began one
                atomDocs[atom] = linked == null ? new BitSet() : linked;
            }
            return atomDocs[atom];
        }

        /** The field's tokens of run terms in each document, and the links they make, read once per batch. */
        private Tokens[] read(String field) throws IOException {
            Tokens[] known = read.get(field);
            if (known != null) {
                return known;
            }
            Tokens[] held = new Tokens[batch.size()];
            Arrays.setAll(held, slot -> new Tokens());
            batch.forEachWanted(field, fieldTerms.getOrDefault(field, Map.of()), PostingsEnum.POSITIONS, (term, slot, postings) -> {
                for (int i = postings.freq(); i > 0; i--) {
                    held[slot].add(postings.nextPosition(), term);
                }
            });
            int gap = widest.getOrDefault(field, 0);
            for (int slot = 0; slot < held.length; slot++) {
                note(slot, held[slot], gap);
            }
            read.put(field, held);
            return held;
        }

        /** Each link some run has that the document's tokens make. */
        private void note(int slot, Tokens held, int widest) {
            for (int position = 0; position < held.length; position++) {
                int first = held.at[position];
                if (first < 0 || (held.crowded == null && gapsFrom[first] == 0)) {
                    continue; // no link begins with this term (a crowded place may hold another that does)
                }
                for (int gap = held.crowded == null ? 1 : 0; gap <= widest && position + gap < held.length; gap++) {
                    int second = held.at[position + gap];
                    if (second >= 0 && held.crowded == null) {
                        if ((gapsFrom[first] & gapBit(gap)) == 0) {
                            continue; // no link of this term has this gap: no lookup
                        }
                        noteLink(slot, held, position, link(first, second, gap));
                    } else if (second >= 0) {
                        for (int a : held.termsAt(position)) {
                            for (int b : held.termsAt(position + gap)) {
                                if (gap > 0 || a != b) {
                                    noteLink(slot, held, position, link(a, b, gap));
                                }
                            }
                        }
                    }
                }
            }
        }

        /** A link the document makes at this place, and the longer runs it begins there. */
        private void noteLink(int slot, Tokens held, int position, long link) {
            int number = links.getOrDefault(link, -1);
            if (number < 0) {
                return;
            }
            if (linkDocs[number] == null) {
                linkDocs[number] = new BitSet(batch.size());
            }
            linkDocs[number].set(slot);
            for (int atom : longerFrom[number] == null ? NO_RUNS : longerFrom[number]) {
                if ((atomDocs[atom] == null || atomDocs[atom].get(slot) == false) && held.holdsAll(position, rest[atom])) {
                    if (atomDocs[atom] == null) {
                        atomDocs[atom] = new BitSet(batch.size());
                    }
                    atomDocs[atom].set(slot);
                }
            }
        }
    }

    /**
     * One document's tokens of run terms in one field, by position: the term there (-1: none of them); a place where an
     * analyzer put several terms keeps the others aside, and makes the document `crowded`.
     */
    private static final class Tokens {
        private static final int[] NONE = new int[0];
        int[] at = NONE;
        int length; // one past the last place with a token
        Map<Integer, int[]> crowded; // place -> the terms there beyond the first

        void add(int position, int term) {
            if (position >= at.length) {
                int old = at.length;
                at = Arrays.copyOf(at, Math.max(Math.max(256, 2 * old), position + 1));
                Arrays.fill(at, old, at.length, -1);
            }
            if (at[position] < 0) {
                at[position] = term;
            } else {
                crowded = crowded == null ? new HashMap<>() : crowded;
                int[] more = crowded.getOrDefault(position, NONE);
                more = Arrays.copyOf(more, more.length + 1);
                more[more.length - 1] = term;
                crowded.put(position, more);
            }
            length = Math.max(length, position + 1);
        }

        boolean isEmpty() {
            return length == 0;
        }

        int[] termsAt(int position) {
            int first = position < length ? at[position] : -1;
            if (first < 0) {
                return NONE;
            }
            int[] more = crowded == null ? NONE : crowded.getOrDefault(position, NONE);
            int[] all = Arrays.copyOf(more, more.length + 1);
            all[more.length] = first;
            return all;
        }

        boolean holds(int position, int term) {
            if (position < 0 || position >= length) {
                return false;
            }
            if (at[position] == term) {
                return true;
            }
            return crowded != null && Arrays.stream(crowded.getOrDefault(position, NONE)).anyMatch(t -> t == term);
        }

        /** Whether each of these terms stands at its offset from this place. */
        boolean holdsAll(int position, int[] termsAndOffsets) {
            for (int k = 0; k < termsAndOffsets.length; k += 2) {
                if (holds(position + termsAndOffsets[k + 1], termsAndOffsets[k]) == false) {
                    return false;
                }
            }
            return true;
        }

        /** Whether every term of the run stands at its offset from some place of its first term. */
        boolean hasRun(int[] parts) {
            for (int position = 0; position < length; position++) {
                if (holds(position, parts[0]) && holdsAll(position - parts[1], parts)) {
                    return true;
                }
            }
            return false;
        }
    }
}

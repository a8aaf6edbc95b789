package org.newsroom.match;

import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Term;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A topic set filed for matching: each topic under a term of its rarest need, so that a batch meets only the topics
 * filed under terms it holds; then, of those, only the topics whose every need some one document of the batch meets
 * are run. Both steps read the batch's own terms and positions, as the index's analyzers made them: no second
 * tokenizer to keep in step with the engine.
 */
final class TopicFiling {
    private final List<IndexTopics.Topic> topics;
    private final Map<String, Map<BytesRef, Integer>> termIds = new HashMap<>(); // field -> term -> its number
    private final List<Term> terms = new ArrayList<>(); // term number -> term
    private final List<List<Integer>> filed = new ArrayList<>(); // term number -> topics filed under it
    private final Map<Needs.Atom, Integer> atomIds = new HashMap<>();
    private final List<int[]> atoms = new ArrayList<>(); // atom number -> its terms' numbers, each with its offset
    // A need is shared by many topics (a word over every language's fields): numbered once, its documents found once.
    private final Map<List<Integer>, Integer> needIds = new HashMap<>();
    private final List<int[]> needAtoms = new ArrayList<>(); // need number -> atom numbers
    private final BitSet runNeeds = new BitSet(); // the needs with a run among their atoms: checked last
    private final int[][] needs; // topic -> its need numbers
    private final List<Integer> always = new ArrayList<>(); // topics with no need known: run on every batch
    private Runs runs; // which documents of a batch hold each run: set once every topic is filed
    private static final BitSet NONE = new BitSet(); // no document (read only)

    private TopicFiling(List<IndexTopics.Topic> topics) {
        this.topics = topics;
        this.needs = new int[topics.size()][];
    }

    static TopicFiling of(List<IndexTopics.Topic> topics, ToLongFunction<Term> count) {
        TopicFiling filing = new TopicFiling(topics);
        for (int t = 0; t < topics.size(); t++) {
            filing.file(t, topics.get(t).needs(), count);
        }
        filing.runs = new Runs(filing.terms, filing.atoms);
        return filing;
    }

    /** Under each atom of its rarest need: a term under itself, a run under its rarest term. */
    private void file(int topic, List<Needs.Atom[]> topicNeeds, ToLongFunction<Term> count) {
        needs[topic] = topicNeeds.stream().mapToInt(need -> need(numbers(need))).toArray();
        if (topicNeeds.isEmpty()) {
            always.add(topic);
            return;
        }
        for (Needs.Atom atom : Needs.rarest(topicNeeds, count)) { // a need with no atom files it nowhere: never met
            filed.get(term(atom.rarest(count))).add(topic);
        }
    }

    private int need(int[] atomNumbers) {
        return needIds.computeIfAbsent(Arrays.stream(atomNumbers).boxed().toList(), key -> {
            needAtoms.add(atomNumbers);
            if (Arrays.stream(atomNumbers).anyMatch(atom -> atoms.get(atom).length > 2)) {
                runNeeds.set(needAtoms.size() - 1);
            }
            return needAtoms.size() - 1;
        });
    }

    private int[] numbers(Needs.Atom[] need) {
        int[] numbers = new int[need.length];
        for (int i = 0; i < need.length; i++) {
            numbers[i] = atomIds.computeIfAbsent(need[i], atom -> {
                int[] parts = new int[atom.terms().size() * 2]; // term number, offset; term number, offset...
                for (int k = 0; k < atom.terms().size(); k++) {
                    parts[2 * k] = term(atom.terms().get(k));
                    parts[2 * k + 1] = atom.offsets().get(k);
                }
                atoms.add(parts);
                return atoms.size() - 1;
            });
        }
        return numbers;
    }

    private int term(Term term) {
        return termIds.computeIfAbsent(term.field(), field -> new HashMap<>()).computeIfAbsent(term.bytes(), bytes -> {
            terms.add(term);
            filed.add(new ArrayList<>());
            return terms.size() - 1;
        });
    }

    List<String> keys() {
        return topics.stream().map(IndexTopics.Topic::key).toList();
    }

    int size() {
        return topics.size();
    }

    /** A topic worth running on this batch, and the documents that meet all its needs: only they can match it. */
    record Candidate(IndexTopics.Topic topic, BitSet docs) {}

    /** The topics worth running on this batch: filed under a term it holds, with every need met by one document. */
    List<Candidate> candidates(BatchView batch) throws IOException {
        Held held = new Held(batch);
        BitSet met = new BitSet(topics.size());
        always.forEach(met::set);
        for (String field : termIds.keySet()) {
            held.read(field);
        }
        for (int term = 0; term < terms.size(); term++) {
            if (filed.get(term).isEmpty() == false && held.docsOf(term).isEmpty() == false) {
                filed.get(term).forEach(met::set);
            }
        }
        List<Candidate> run = new ArrayList<>();
        for (int t = met.nextSetBit(0); t >= 0; t = met.nextSetBit(t + 1)) {
            BitSet docs = held.meetingAll(needs[t]);
            if (docs.isEmpty() == false) {
                run.add(new Candidate(topics.get(t), docs));
            }
        }
        return run;
    }

    /**
     * Which documents of the batch hold each atom: a term's read with its field's when the batch is first matched (the
     * segments holding the batch, most often the few the refresh just wrote: BatchView.forEachWanted), a run's from the
     * batch's tokens when first asked (Runs).
     */
    private final class Held {
        private final BatchView batch;
        private final BitSet[] termDocs;
        private final BitSet[] needDocs;
        private final Runs.Batch batchRuns;

        Held(BatchView batch) {
            this.batch = batch;
            this.termDocs = new BitSet[terms.size()];
            this.needDocs = new BitSet[needAtoms.size()];
            this.batchRuns = runs.on(batch);
        }

        /**
         * The documents that meet every need (all the batch's, for a topic with none known). The needs of plain terms
         * come first: a batch whose documents none of them leaves is never read token by token for its runs.
         */
        BitSet meetingAll(int[] topicNeeds) throws IOException {
            BitSet together = batch.all();
            for (int need : topicNeeds) {
                if (runNeeds.get(need) == false && meets(together, meeting(need))) {
                    return together;
                }
            }
            for (int need : topicNeeds) {
                if (runNeeds.get(need) && meets(together, meeting(need))) {
                    return together;
                }
            }
            return together;
        }

        /** Keeps in `together` the documents meeting the need; whether none is left. */
        private static boolean meets(BitSet together, BitSet meeting) {
            together.and(meeting);
            return together.isEmpty();
        }

        /** The documents holding some atom of a need (not to be changed: it is kept for the batch). */
        private BitSet meeting(int need) throws IOException {
            if (needDocs[need] == null) {
                int[] each = needAtoms.get(need);
                if (each.length == 1) {
                    needDocs[need] = docsOfAtom(each[0]); // shared with the atom, which no one changes
                } else {
                    BitSet any = new BitSet();
                    for (int atom : each) {
                        any.or(docsOfAtom(atom));
                    }
                    needDocs[need] = any;
                }
            }
            return needDocs[need];
        }

        private BitSet docsOfAtom(int atom) throws IOException {
            int[] parts = atoms.get(atom);
            return parts.length == 2 ? docsOf(parts[0]) : batchRuns.docsOf(atom);
        }

        /** Which documents of the batch hold each of the field's terms (not to be changed: they are kept for the batch). */
        void read(String field) throws IOException {
            Map<BytesRef, Integer> wanted = termIds.get(field);
            batch.forEachWanted(field, wanted, PostingsEnum.NONE, (term, slot, postings) -> {
                if (termDocs[term] == null) {
                    termDocs[term] = new BitSet(batch.size());
                }
                termDocs[term].set(slot);
            });
            for (int term : wanted.values()) {
                termDocs[term] = termDocs[term] == null ? NONE : termDocs[term];
            }
        }

        BitSet docsOf(int term) {
            return termDocs[term];
        }
    }
}

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
    private final BitSet runNeeds = new BitSet(); // the needs with a run among their atoms: checked last, and lazily
    private final int[][] needs; // topic -> its need numbers
    private final List<Integer> always = new ArrayList<>(); // topics with no need known: run on every batch

    private TopicFiling(List<IndexTopics.Topic> topics) {
        this.topics = topics;
        this.needs = new int[topics.size()][];
    }

    static TopicFiling of(List<IndexTopics.Topic> topics, ToLongFunction<Term> count) {
        TopicFiling filing = new TopicFiling(topics);
        for (int t = 0; t < topics.size(); t++) {
            filing.file(t, topics.get(t).needs(), count);
        }
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
     * Which documents of the batch hold each atom, found when first asked: a term's by looking it up in the segments
     * that hold the batch (most often the few the refresh just wrote), a run's from its terms' positions there.
     */
    private final class Held {
        private final BatchView batch;
        private final BitSet[] termDocs;
        private final BitSet[] atomDocs; // a run's: the documents found holding it, among those checked so far
        private final BitSet[] atomChecked; // a run's: the documents checked so far
        private final BitSet[] needDocs;
        private final Positions[] positionsOf; // term number -> its positions in each document of the batch holding it

        Held(BatchView batch) {
            this.batch = batch;
            this.termDocs = new BitSet[terms.size()];
            this.atomDocs = new BitSet[atoms.size()];
            this.atomChecked = new BitSet[atoms.size()];
            this.needDocs = new BitSet[needAtoms.size()];
            this.positionsOf = new Positions[terms.size()];
        }

        /**
         * The documents that meet every need (all the batch's, for a topic with none known). The needs of plain terms
         * come first: a run is then checked only in the documents they leave (a phrase in one country's articles),
         * since checking it reads its terms' positions in each document holding them all.
         */
        BitSet meetingAll(int[] topicNeeds) throws IOException {
            BitSet together = batch.all();
            for (int need : topicNeeds) {
                if (runNeeds.get(need) == false && meets(together, meeting(need))) {
                    return together;
                }
            }
            for (int need : topicNeeds) {
                if (runNeeds.get(need) && meets(together, meetingAmong(need, together))) {
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

        /** The documents holding some term of a need of plain terms (not to be changed: it is kept for the batch). */
        private BitSet meeting(int need) throws IOException {
            if (needDocs[need] == null) {
                int[] each = needAtoms.get(need);
                if (each.length == 1) {
                    needDocs[need] = docsOf(atoms.get(each[0])[0]); // shared with the term, which no one changes
                } else {
                    BitSet any = new BitSet();
                    for (int atom : each) {
                        any.or(docsOf(atoms.get(atom)[0]));
                    }
                    needDocs[need] = any;
                }
            }
            return needDocs[need];
        }

        /** Of these documents, those holding some atom of a need with a run (and maybe others: the caller keeps these). */
        private BitSet meetingAmong(int need, BitSet among) throws IOException {
            BitSet any = new BitSet();
            for (int atom : needAtoms.get(need)) {
                int[] parts = atoms.get(atom);
                any.or(parts.length == 2 ? docsOf(parts[0]) : inRun(atom, among));
            }
            return any;
        }

        BitSet docsOf(int term) throws IOException {
            if (termDocs[term] == null) {
                BitSet found = new BitSet();
                forEachPosting(term, PostingsEnum.NONE, (slot, postings) -> found.set(slot));
                termDocs[term] = found;
            }
            return termDocs[term];
        }

        interface Posting {
            void at(int slot, PostingsEnum postings) throws IOException;
        }

        /** Each slot of the batch whose document holds the term, with its postings there. */
        private void forEachPosting(int term, int flags, Posting each) throws IOException {
            Term wanted = terms.get(term);
            for (BatchView.Segment segment : batch.segments()) {
                PostingsEnum postings = segment.leaf().reader().postings(wanted, flags);
                if (postings == null) {
                    continue;
                }
                batch.forEachHeld(segment, null, postings, slot -> each.at(slot, postings));
            }
        }

        /**
         * The documents holding the run (every term at its offset from the first, in the same field), among these and
         * maybe others: each document is checked once per batch, when some topic first asks about it.
         */
        private BitSet inRun(int atom, BitSet among) throws IOException {
            if (atomDocs[atom] == null) {
                atomDocs[atom] = new BitSet();
                atomChecked[atom] = new BitSet();
            }
            int[] parts = atoms.get(atom);
            BitSet all = (BitSet) among.clone();
            all.andNot(atomChecked[atom]);
            for (int k = 0; k < parts.length && all.isEmpty() == false; k += 2) {
                all.and(docsOf(parts[k]));
            }
            atomChecked[atom].or(among);
            BitSet found = atomDocs[atom];
            if (all.isEmpty()) {
                return found;
            }
            int n = parts.length / 2;
            Positions[] positions = new Positions[n];
            int[] cursor = new int[n]; // each term's place in its documents: they and `all` are walked in one order
            int[][] here = new int[n][];
            for (int k = 0; k < n; k++) {
                positions[k] = positions(parts[2 * k]);
            }
            for (int slot = all.nextSetBit(0); slot >= 0; slot = all.nextSetBit(slot + 1)) {
                for (int k = 0; k < n; k++) {
                    cursor[k] = positions[k].seek(slot, cursor[k]);
                    here[k] = positions[k].at[cursor[k]];
                }
                if (runAt(here, parts)) {
                    found.set(slot);
                }
            }
            return found;
        }

        /** Where the term stands in each document of the batch that holds it, read once per batch. */
        private Positions positions(int term) throws IOException {
            if (positionsOf[term] == null) {
                Positions at = new Positions(docsOf(term).cardinality());
                forEachPosting(term, PostingsEnum.POSITIONS, (slot, postings) -> {
                    int[] positions = new int[postings.freq()];
                    for (int i = 0; i < positions.length; i++) {
                        positions[i] = postings.nextPosition();
                    }
                    at.add(slot, positions);
                });
                positionsOf[term] = at;
            }
            return positionsOf[term];
        }

        /**
         * Whether the terms stand at their offsets somewhere in one document (`here`: each term's positions there). The
         * term with the fewest positions anchors the search: a run with a common word costs what its rare one does.
         */
        private static boolean runAt(int[][] here, int[] parts) {
            int anchor = 0;
            for (int k = 1; k < here.length; k++) {
                anchor = here[k].length < here[anchor].length ? k : anchor;
            }
            for (int position : here[anchor]) {
                int first = position - parts[2 * anchor + 1]; // where the run's offset 0 would be
                boolean whole = true;
                for (int k = 0; k < here.length && whole; k++) {
                    whole = k == anchor || Arrays.binarySearch(here[k], first + parts[2 * k + 1]) >= 0;
                }
                if (whole) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * A term's positions in each document of the batch holding it, in the order of the documents (postings are read
     * in that order), so that a run's terms are walked side by side: a map by document, of boxed numbers, was 40 % of
     * a request's samples at 10,000 topics.
     */
    private static final class Positions {
        private final int[] slots;
        private final int[][] at;
        private int size;

        Positions(int capacity) {
            this.slots = new int[capacity];
            this.at = new int[capacity][];
        }

        void add(int slot, int[] positions) {
            slots[size] = slot;
            at[size++] = positions;
        }

        /** The place of this document, from `from` on: the caller asks for documents it holds, in their order. */
        int seek(int slot, int from) {
            int i = from;
            while (slots[i] < slot) {
                i++;
            }
            return i;
        }
    }
}

package org.newsroom.match;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * A batch's documents as Lucene holds them: the shard's searcher that can read them, and the batch's documents in it,
 * each known by its slot (its rank among them, in the index's order). Sets of the batch's documents are sets of
 * slots: a few words each, where sets of the shard's document numbers spanned the whole shard and walking them was a
 * quarter of a request's time at 10,000 topics.
 */
final class BatchView {
    private static final int WALK_RATIO = 8; // walking a term costs about this much less than looking one up
    private final IndexSearcher searcher;
    private final int[] docs; // slot -> the document's number in the shard, ascending
    private final int[] positions; // slot -> the document's position in the request
    private final List<Segment> segments = new ArrayList<>(); // the segments holding some document of the batch
    private final BitSet every; // every slot (read only)
    private final long refreshNanos; // the shard's refresh for this batch (0: none)
    private final boolean refreshed; // whether the shard was refreshed for it (else: readable as the bulk left it)

    /** A segment, and the slots of the batch's documents in it: from `from` to `to`, excluded. */
    record Segment(LeafReaderContext leaf, int from, int to) {}

    /** `docs` and `positions` in one order, the documents' numbers ascending. */
    BatchView(IndexSearcher searcher, int[] docs, int[] positions, long refreshNanos, boolean refreshed) {
        this.searcher = searcher;
        this.refreshNanos = refreshNanos;
        this.refreshed = refreshed;
        this.docs = docs;
        this.positions = positions;
        this.every = all();
        int slot = 0;
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            int from = slot;
            while (slot < docs.length && docs[slot] < leaf.docBase + leaf.reader().maxDoc()) {
                slot++;
            }
            if (slot > from) {
                segments.add(new Segment(leaf, from, slot));
            }
        }
    }

    long refreshNanos() {
        return refreshNanos;
    }

    boolean refreshed() {
        return refreshed;
    }

    IndexReader reader() {
        return searcher.getIndexReader();
    }

    List<Segment> segments() {
        return segments;
    }

    int size() {
        return docs.length;
    }

    /** Every slot of the batch, in a set the caller may change. */
    BitSet all() {
        BitSet all = new BitSet(docs.length);
        all.set(0, docs.length);
        return all;
    }

    /** The document of this slot, numbered within its segment. */
    int target(int slot, Segment segment) {
        return docs[slot] - segment.leaf().docBase;
    }

    /** The positions in the request of the documents in these slots. */
    BitSet positions(BitSet slots) {
        BitSet found = new BitSet();
        slots.stream().forEach(slot -> found.set(positions[slot]));
        return found;
    }

    /** The positions of the documents this query finds among these slots, unscored. */
    BitSet matches(Query query, BitSet among) throws IOException {
        return positions(found(weight(query), among));
    }

    /** The query's weight on this batch's searcher, unscored. */
    Weight weight(Query query) throws IOException {
        return searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
    }

    /** The slots, among these, of the documents this weight finds. */
    BitSet found(Weight weight, BitSet among) throws IOException {
        BitSet found = new BitSet();
        for (Segment segment : segments) {
            int first = among.nextSetBit(segment.from());
            Scorer scorer = first >= 0 && first < segment.to() ? weight.scorer(segment.leaf()) : null;
            if (scorer != null) {
                forEachHeld(segment, among, scorer.iterator(), found::set);
            }
        }
        return found;
    }

    interface Held {
        void at(int slot) throws IOException;
    }

    interface Posting {
        void at(int term, int slot, PostingsEnum postings) throws IOException;
    }

    /**
     * Each wanted term of a field (its bytes, and the number it is passed on as) that a document of the batch holds,
     * with the slot and its postings (these `flags`) there. A segment's terms are walked when they are not many more
     * than those wanted (the segment a refresh just wrote holds a batch's few thousand), else each wanted one is looked
     * up; a segment without the field (another language's, most often) costs nothing.
     */
    void forEachWanted(String field, Map<BytesRef, Integer> wanted, int flags, Posting each) throws IOException {
        for (Segment segment : segments) {
            Terms terms = segment.leaf().reader().terms(field);
            if (terms == null || wanted.isEmpty()) {
                continue;
            }
            TermsEnum enumerated = terms.iterator();
            long size = terms.size();
            if (size >= 0 && size <= WALK_RATIO * (long) wanted.size()) {
                for (BytesRef bytes = enumerated.next(); bytes != null; bytes = enumerated.next()) {
                    Integer term = wanted.get(bytes);
                    if (term != null) {
                        heldBy(segment, term, enumerated.postings(null, flags), each);
                    }
                }
            } else {
                for (Map.Entry<BytesRef, Integer> term : wanted.entrySet()) {
                    if (enumerated.seekExact(term.getKey())) {
                        heldBy(segment, term.getValue(), enumerated.postings(null, flags), each);
                    }
                }
            }
        }
    }

    private void heldBy(Segment segment, int term, PostingsEnum postings, Posting each) throws IOException {
        forEachHeld(segment, null, postings, slot -> each.at(term, slot, postings));
    }

    /** Each slot of the segment whose document the iterator holds (every slot, for `among` null), the iterator on it. */
    void forEachHeld(Segment segment, BitSet among, DocIdSetIterator iterator, Held each) throws IOException {
        BitSet slots = among == null ? every : among;
        for (int slot = slots.nextSetBit(segment.from()); slot >= 0 && slot < segment.to(); slot = slots.nextSetBit(slot + 1)) {
            int target = target(slot, segment);
            int at = iterator.docID() >= target ? iterator.docID() : iterator.advance(target);
            if (at == DocIdSetIterator.NO_MORE_DOCS) {
                return;
            }
            if (at == target) {
                each.at(slot);
            }
        }
    }
}

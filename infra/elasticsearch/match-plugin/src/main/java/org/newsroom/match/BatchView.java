package org.newsroom.match;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A batch's documents as Lucene holds them: the shard's searcher after a refresh, and the batch's documents in it,
 * each known by its slot (its rank among them, in the index's order). Sets of the batch's documents are sets of
 * slots: a few words each, where sets of the shard's document numbers spanned the whole shard and walking them was a
 * quarter of a request's time at 10,000 topics.
 */
final class BatchView {
    private final IndexSearcher searcher;
    private final int[] docs; // slot -> the document's number in the shard, ascending
    private final int[] positions; // slot -> the document's position in the request
    private final List<Segment> segments = new ArrayList<>(); // the segments holding some document of the batch

    /** A segment, and the slots of the batch's documents in it: from `from` to `to`, excluded. */
    record Segment(LeafReaderContext leaf, int from, int to) {}

    /** `docs` and `positions` in one order, the documents' numbers ascending. */
    BatchView(IndexSearcher searcher, int[] docs, int[] positions) {
        this.searcher = searcher;
        this.docs = docs;
        this.positions = positions;
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

    IndexReader reader() {
        return searcher.getIndexReader();
    }

    List<Segment> segments() {
        return segments;
    }

    int size() {
        return docs.length;
    }

    /** Every slot of the batch. */
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
        return positions(found(searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f), among));
    }

    /** The slots, among these, of the documents this weight finds. */
    BitSet found(Weight weight, BitSet among) throws IOException {
        BitSet found = new BitSet();
        for (Segment segment : segments) {
            int first = among.nextSetBit(segment.from());
            if (first < 0 || first >= segment.to()) {
                continue;
            }
            Scorer scorer = weight.scorer(segment.leaf());
            if (scorer == null) {
                continue;
            }
            DocIdSetIterator hits = scorer.iterator();
            for (int slot = first; slot >= 0 && slot < segment.to(); slot = among.nextSetBit(slot + 1)) {
                int target = target(slot, segment);
                int at = hits.docID() >= target ? hits.docID() : hits.advance(target);
                if (at == DocIdSetIterator.NO_MORE_DOCS) {
                    break;
                }
                if (at == target) {
                    found.set(slot);
                }
            }
        }
        return found;
    }

    IndexSearcher searcher() {
        return searcher;
    }
}

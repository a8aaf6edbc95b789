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
import java.util.BitSet;
import java.util.Map;

/**
 * A batch's documents as Lucene holds them: the shard's searcher after a refresh, which of its documents are the
 * batch's (`docs`, a few among all the others), and each one's position in the request.
 */
record BatchView(IndexSearcher searcher, BitSet docs, Map<Integer, Integer> position) {

    IndexReader reader() {
        return searcher.getIndexReader();
    }

    /** The positions in the request of these documents. */
    BitSet positions(BitSet docs) {
        BitSet found = new BitSet();
        docs.stream().forEach(doc -> found.set(position.get(doc)));
        return found;
    }

    /** The positions of the documents this query finds among these (Lucene documents of the batch), unscored. */
    BitSet matches(Query query, BitSet among) throws IOException {
        BitSet found = new BitSet();
        Weight weight = searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
        for (LeafReaderContext leaf : reader().leaves()) {
            int end = leaf.docBase + leaf.reader().maxDoc();
            int first = among.nextSetBit(leaf.docBase);
            if (first < 0 || first >= end) {
                continue;
            }
            Scorer scorer = weight.scorer(leaf);
            if (scorer == null) {
                continue;
            }
            DocIdSetIterator docs = scorer.iterator();
            for (int doc = first; doc >= 0 && doc < end; doc = among.nextSetBit(doc + 1)) {
                int target = doc - leaf.docBase;
                int at = docs.docID() >= target ? docs.docID() : docs.advance(target);
                if (at == DocIdSetIterator.NO_MORE_DOCS) {
                    break;
                }
                if (at == target) {
                    found.set(position.get(doc));
                }
            }
        }
        return found;
    }
}

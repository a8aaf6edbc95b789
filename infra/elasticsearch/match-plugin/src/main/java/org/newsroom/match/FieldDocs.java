package org.newsroom.match;

import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Which documents of a batch have a text field, read from its norms (one per document that has it), once per field
 * and batch. A field indexed without norms (a keyword) is taken as held by every document: it is never pruned.
 */
final class FieldDocs {
    private final BatchView batch;
    private final Map<String, BitSet> known = new HashMap<>();

    FieldDocs(BatchView batch) {
        this.batch = batch;
    }

    boolean anyOf(String field, BitSet docs) {
        return known.computeIfAbsent(field, this::read).intersects(docs);
    }

    private BitSet read(String field) {
        BitSet having = new BitSet();
        BitSet docs = batch.docs();
        try {
            for (LeafReaderContext leaf : batch.reader().leaves()) {
                int end = leaf.docBase + leaf.reader().maxDoc();
                FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(field);
                if (info == null) {
                    continue;
                }
                NumericDocValues norms = info.hasNorms() ? leaf.reader().getNormValues(field) : null;
                for (int doc = docs.nextSetBit(leaf.docBase); doc >= 0 && doc < end; doc = docs.nextSetBit(doc + 1)) {
                    if (norms == null || norms.advanceExact(doc - leaf.docBase)) {
                        having.set(doc);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return having;
    }
}

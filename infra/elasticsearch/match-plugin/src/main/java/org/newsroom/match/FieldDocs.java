package org.newsroom.match;

import org.apache.lucene.index.FieldInfo;
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

    boolean anyOf(String field, BitSet slots) {
        return known.computeIfAbsent(field, this::read).intersects(slots);
    }

    private BitSet read(String field) {
        BitSet having = new BitSet();
        try {
            for (BatchView.Segment segment : batch.segments()) {
                FieldInfo info = segment.leaf().reader().getFieldInfos().fieldInfo(field);
                if (info == null) {
                    continue;
                }
                NumericDocValues norms = info.hasNorms() ? segment.leaf().reader().getNormValues(field) : null;
                for (int slot = segment.from(); slot < segment.to(); slot++) {
                    if (norms == null || norms.advanceExact(batch.target(slot, segment))) {
                        having.set(slot);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return having;
    }
}

package org.newsroom.match;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.index.mapper.ParsedDocument;
import org.elasticsearch.index.mapper.SourceToParse;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.xcontent.XContentType;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A batch of documents in a small Lucene index of its own, in the heap: each document parsed by the index's mapping
 * and analysed by its analyzers, exactly as the bulk write indexed it, so that a query finds here what a search of
 * the refreshed index would find among these documents. Nested documents are kept with their root document.
 */
final class BatchIndex implements Closeable {
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final int[] owner; // Lucene doc id -> position of its document in the batch

    BatchIndex(SearchExecutionContext context, List<String> ids, List<BytesReference> sources) throws IOException {
        Analyzer analyzer = context.getIndexAnalyzer(field -> context.getIndexAnalyzers().getDefaultIndexAnalyzer());
        IndexWriterConfig config = new IndexWriterConfig(analyzer).setMergePolicy(NoMergePolicy.INSTANCE).setRAMBufferSizeMB(256);
        List<Integer> owners = new ArrayList<>();
        try (IndexWriter writer = new IndexWriter(new ByteBuffersDirectory(), config)) {
            for (int i = 0; i < ids.size(); i++) {
                ParsedDocument parsed = context.parseDocument(new SourceToParse(ids.get(i), sources.get(i), XContentType.JSON));
                writer.addDocuments(parsed.docs());
                for (int k = 0; k < parsed.docs().size(); k++) {
                    owners.add(i);
                }
            }
            reader = DirectoryReader.open(writer);
        }
        owner = owners.stream().mapToInt(Integer::intValue).toArray();
        searcher = new IndexSearcher(reader);
        searcher.setQueryCache(null); // every query runs once: caching would only cost
    }

    IndexSearcher searcher() {
        return searcher;
    }

    /** The positions of the documents this query finds, unscored. */
    BitSet matches(Query query) throws IOException {
        BitSet found = new BitSet();
        Weight weight = searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
        for (LeafReaderContext leaf : reader.leaves()) {
            Scorer scorer = weight.scorer(leaf);
            if (scorer == null) {
                continue;
            }
            DocIdSetIterator docs = scorer.iterator();
            for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
                found.set(owner[leaf.docBase + doc]);
            }
        }
        return found;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}

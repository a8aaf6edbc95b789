package org.newsroom.match;

import org.elasticsearch.index.IndexService;
import org.elasticsearch.xcontent.XContentBuilder;

/** One parsed request's work, run on the search pool against the index the request names. */
interface MatchWork {
    void run(IndexService index, XContentBuilder out) throws Exception;
}

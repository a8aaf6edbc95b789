package org.newsroom.match;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentFactory;
import org.elasticsearch.xcontent.XContentParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.elasticsearch.rest.RestRequest.Method.POST;

/**
 * POST /{index}/_newsroom_match
 * {"docs": [{"_id": "a1", "_source": {...}}, ...], "queries": {"name": {query DSL}, ...}}
 * answers {"took": ms, "index_took": ms, "match_took": ms, "docs": n, "queries": m, "matches": {"name": ["a1", ...]}, "errors": {"name": "why"}}:
 * for each query, the documents it finds (queries that find none are left out).
 *
 * The body is read on the network thread, checked against the limits, and the work runs on the search pool.
 */
final class RestMatchAction extends BaseRestHandler {
    private final Supplier<Indices> indices;
    private final NewsroomMatchPlugin.Limits limits;

    RestMatchAction(Supplier<Indices> indices, NewsroomMatchPlugin.Limits limits) {
        this.indices = indices;
        this.limits = limits;
    }

    @Override
    public String getName() {
        return "newsroom_match";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(POST, "/{index}/_newsroom_match"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String index = request.param("index");
        BatchMatch work;
        try (XContentParser parser = request.contentParser()) {
            work = parse(parser);
        }
        return channel -> client.threadPool().executor(ThreadPool.Names.SEARCH).execute(() -> {
            try {
                XContentBuilder out = channel.newBuilder();
                indices.get().withIndex(index, service -> {
                    work.run(service, out);
                    return null;
                });
                channel.sendResponse(new RestResponse(RestStatus.OK, out));
            } catch (Exception e) {
                try {
                    channel.sendResponse(new RestResponse(channel, e));
                } catch (IOException inner) {
                    e.addSuppressed(inner);
                }
            }
        });
    }

    private BatchMatch parse(XContentParser parser) throws IOException {
        List<String> ids = new ArrayList<>();
        List<BytesReference> sources = new ArrayList<>();
        Map<String, QueryBuilder> queries = new LinkedHashMap<>();
        expect(parser.nextToken(), XContentParser.Token.START_OBJECT, "the body");
        while (parser.nextToken() == XContentParser.Token.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "docs" -> readDocs(parser, ids, sources);
                case "queries" -> readQueries(parser, queries);
                default -> throw new IllegalArgumentException("[" + field + "]: unknown field; expected [docs] and [queries]");
            }
        }
        return new BatchMatch(ids, sources, queries);
    }

    private void readDocs(XContentParser parser, List<String> ids, List<BytesReference> sources) throws IOException {
        expect(parser.currentToken(), XContentParser.Token.START_ARRAY, "[docs]");
        while (parser.nextToken() == XContentParser.Token.START_OBJECT) {
            if (ids.size() == limits.maxDocs()) {
                throw new IllegalArgumentException("[docs]: more than " + limits.maxDocs() + " (newsroom_match.max_docs)");
            }
            String id = null;
            BytesReference source = null;
            while (parser.nextToken() == XContentParser.Token.FIELD_NAME) {
                String field = parser.currentName();
                XContentParser.Token value = parser.nextToken();
                if ("_id".equals(field) && value == XContentParser.Token.VALUE_STRING) {
                    id = parser.text();
                } else if ("_source".equals(field) && value == XContentParser.Token.START_OBJECT) {
                    try (XContentBuilder copy = XContentFactory.jsonBuilder()) {
                        source = BytesReference.bytes(copy.copyCurrentStructure(parser));
                    }
                } else {
                    throw new IllegalArgumentException("[docs." + ids.size() + "." + field + "]: expected [_id] (a string) and [_source] (an object)");
                }
            }
            if (id == null || source == null) {
                throw new IllegalArgumentException("[docs." + ids.size() + "]: needs [_id] and [_source]");
            }
            ids.add(id);
            sources.add(source);
        }
    }

    private void readQueries(XContentParser parser, Map<String, QueryBuilder> queries) throws IOException {
        expect(parser.currentToken(), XContentParser.Token.START_OBJECT, "[queries]");
        while (parser.nextToken() == XContentParser.Token.FIELD_NAME) {
            if (queries.size() == limits.maxQueries()) {
                throw new IllegalArgumentException("[queries]: more than " + limits.maxQueries() + " (newsroom_match.max_queries)");
            }
            String name = parser.currentName();
            parser.nextToken();
            queries.put(name, AbstractQueryBuilder.parseTopLevelQuery(parser));
        }
    }

    private static void expect(XContentParser.Token found, XContentParser.Token wanted, String what) {
        if (found != wanted) {
            throw new IllegalArgumentException(what + ": expected " + wanted + " but found " + found);
        }
    }
}

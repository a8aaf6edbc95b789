package org.newsroom.match;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.common.xcontent.XContentHelper;
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
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.elasticsearch.rest.RestRequest.Method.GET;
import static org.elasticsearch.rest.RestRequest.Method.POST;
import static org.elasticsearch.rest.RestRequest.Method.PUT;

/**
 * PUT /{index}/_newsroom_topics {"id": "set id", "keys": [every key of the set], "queries": {"key": {query DSL}, ...}}
 * registers a topic set on this node (TopicsRegistration); then
 * POST /{index}/_newsroom_match {"ids": ["a1", ...], "versions": [v1, ...], "topics": "set id"} (versions optional: each
 * id's version as the bulk wrote it; the shard is then refreshed only if some id is not readable at it yet)
 * answers {"took": ms, "refresh_took": ms, "refreshed": bool, "match_took": ms, "docs": n, "found": n, "topics": m, "candidates": k,
 * "run": r, "matches": {"key": ["a1", ...]}, "errors": {"key": "why"}}: for each topic of the set, the batch's
 * documents it finds (topics that find none are left out; of the k topics some article met all the needs of, r had
 * their query run, the others are matched by their needs alone); 409 if the set is not registered here.
 *
 * GET /_newsroom_topics answers what the node holds: {"indices": [{"index", "uuid", "mapping_version", "topics"}]}.
 *
 * The body is read on the network thread, checked against the limits, and the work runs on the search pool.
 */
final class RestMatchAction extends BaseRestHandler {
    private final Supplier<Indices> indices;
    private final NewsroomMatchPlugin.Limits limits;
    private final TopicRegistry registry;

    RestMatchAction(Supplier<Indices> indices, NewsroomMatchPlugin.Limits limits, TopicRegistry registry) {
        this.indices = indices;
        this.limits = limits;
        this.registry = registry;
    }

    @Override
    public String getName() {
        return "newsroom_match";
    }

    @Override
    public List<Route> routes() {
        return List.of(
            new Route(POST, "/{index}/_newsroom_match"),
            new Route(PUT, "/{index}/_newsroom_topics"),
            new Route(GET, "/_newsroom_topics")
        );
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        if (request.method() == GET) {
            return channel -> {
                XContentBuilder out = channel.newBuilder();
                registry.describe(out);
                channel.sendResponse(new RestResponse(RestStatus.OK, out));
            };
        }
        String index = request.param("index");
        MatchWork work;
        try (XContentParser parser = request.contentParser()) {
            work = request.method() == PUT ? parseTopics(parser) : parse(parser);
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

    private MatchWork parse(XContentParser parser) throws IOException {
        List<List<String>> ids = new ArrayList<>();
        List<String> topics = new ArrayList<>();
        List<long[]> versions = new ArrayList<>();
        readBody(
            parser,
            Map.of(
                "ids",
                () -> ids.add(readIds(parser)),
                "versions",
                () -> versions.add(readVersions(parser)),
                "topics",
                () -> topics.add(readId(parser, "[topics]"))
            )
        );
        if (ids.isEmpty() || topics.isEmpty()) {
            throw new IllegalArgumentException((ids.isEmpty() ? "[ids]" : "[topics]") + ": required (the batch's ids, and its topic set)");
        }
        long[] given = versions.isEmpty() ? null : versions.getLast();
        if (given != null && given.length != ids.getLast().size()) {
            throw new IllegalArgumentException("[versions]: " + given.length + " for " + ids.getLast().size() + " ids (one per id, in their order)");
        }
        return new TopicsMatch(ids.getLast(), given, topics.getLast(), registry);
    }

    private MatchWork parseTopics(XContentParser parser) throws IOException {
        Map<String, QueryBuilder> queries = new LinkedHashMap<>();
        Map<String, String> unreadable = new LinkedHashMap<>();
        List<List<String>> keys = new ArrayList<>();
        List<String> id = new ArrayList<>();
        readBody(
            parser,
            Map.of(
                "id",
                () -> id.add(readId(parser, "[id]")),
                "keys",
                () -> keys.add(readKeys(parser)),
                "queries",
                () -> readEachQuery(parser, queries, unreadable)
            )
        );
        if (id.isEmpty() || keys.isEmpty()) {
            throw new IllegalArgumentException((id.isEmpty() ? "[id]" : "[keys]") + ": required (the set's name, and its queries' keys)");
        }
        return new TopicsRegistration(id.getLast(), keys.getLast(), queries, unreadable, registry);
    }

    interface FieldReader {
        void read() throws IOException;
    }

    /** A body object whose fields are these (each read by its reader); any other field is a 400 naming it. */
    private static void readBody(XContentParser parser, Map<String, FieldReader> fields) throws IOException {
        expect(parser.nextToken(), XContentParser.Token.START_OBJECT, "the body");
        while (parser.nextToken() == XContentParser.Token.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            FieldReader reader = fields.get(field);
            if (reader == null) {
                throw new IllegalArgumentException("[" + field + "]: unknown field; expected " + new java.util.TreeSet<>(fields.keySet()));
            }
            reader.read();
        }
    }

    /** Each query read on its own, so that one a topic's clause the node cannot read is refused alone, by key. */
    private void readEachQuery(XContentParser parser, Map<String, QueryBuilder> queries, Map<String, String> unreadable)
        throws IOException {
        expect(parser.currentToken(), XContentParser.Token.START_OBJECT, "[queries]");
        XContentParserConfiguration config = XContentParserConfiguration.EMPTY.withRegistry(parser.getXContentRegistry())
            .withDeprecationHandler(parser.getDeprecationHandler());
        while (parser.nextToken() == XContentParser.Token.FIELD_NAME) {
            if (queries.size() + unreadable.size() == limits.maxQueries()) {
                throw new IllegalArgumentException("[queries]: more than " + limits.maxQueries() + " (newsroom_match.max_queries)");
            }
            String key = parser.currentName();
            parser.nextToken();
            BytesReference raw;
            try (XContentBuilder copy = XContentFactory.jsonBuilder()) {
                raw = BytesReference.bytes(copy.copyCurrentStructure(parser));
            }
            try (XContentParser one = XContentHelper.createParserNotCompressed(config, raw, XContentType.JSON)) {
                queries.put(key, AbstractQueryBuilder.parseTopLevelQuery(one));
            } catch (RuntimeException e) {
                unreadable.put(key, ExceptionsHelper.unwrapCause(e).toString());
            }
        }
    }

    /** The ids the batch was written under: it is read from the index's shard, not from the request. */
    private List<String> readIds(XContentParser parser) throws IOException {
        return readNames(parser, "[ids]", limits.maxDocs(), "newsroom_match.max_docs");
    }

    /** Each id's version, as the bulk write gave it (external versions: whole numbers from 0). */
    private long[] readVersions(XContentParser parser) throws IOException {
        expect(parser.currentToken(), XContentParser.Token.START_ARRAY, "[versions]");
        List<Long> versions = new ArrayList<>();
        while (parser.nextToken() != XContentParser.Token.END_ARRAY) {
            if (versions.size() == limits.maxDocs()) {
                throw new IllegalArgumentException("[versions]: more than " + limits.maxDocs() + " (newsroom_match.max_docs)");
            }
            String what = "[versions." + versions.size() + "]";
            expect(parser.currentToken(), XContentParser.Token.VALUE_NUMBER, what);
            if (parser.numberType() != XContentParser.NumberType.INT && parser.numberType() != XContentParser.NumberType.LONG
                || parser.longValue() < 0) {
                throw new IllegalArgumentException(what + ": expected a whole number from 0");
            }
            versions.add(parser.longValue());
        }
        return versions.stream().mapToLong(Long::longValue).toArray();
    }

    private List<String> readKeys(XContentParser parser) throws IOException {
        return readNames(parser, "[keys]", limits.maxQueries(), "newsroom_match.max_queries");
    }

    /** An array of names, at most `limit` of them (the node setting named). */
    private static List<String> readNames(XContentParser parser, String what, int limit, String setting) throws IOException {
        expect(parser.currentToken(), XContentParser.Token.START_ARRAY, what);
        List<String> names = new ArrayList<>();
        while (parser.nextToken() != XContentParser.Token.END_ARRAY) {
            if (names.size() == limit) {
                throw new IllegalArgumentException(what + ": more than " + limit + " (" + setting + ")");
            }
            names.add(readId(parser, what.substring(0, what.length() - 1) + "." + names.size() + "]"));
        }
        return names;
    }

    private static String readId(XContentParser parser, String what) throws IOException {
        expect(parser.currentToken(), XContentParser.Token.VALUE_STRING, what);
        String id = parser.text();
        if (id.isEmpty() || id.length() > 200) {
            throw new IllegalArgumentException(what + ": expected a name of 1 to 200 characters");
        }
        return id;
    }

    private static void expect(XContentParser.Token found, XContentParser.Token wanted, String what) {
        if (found != wanted) {
            throw new IllegalArgumentException(what + ": expected " + wanted + " but found " + found);
        }
    }
}

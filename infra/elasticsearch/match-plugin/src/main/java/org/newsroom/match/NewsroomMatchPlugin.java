package org.newsroom.match;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.Index;
import org.elasticsearch.index.IndexModule;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.shard.IndexEventListener;
import org.elasticsearch.indices.cluster.IndexRemovalReason;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;

import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Adds POST /{index}/_newsroom_match, PUT /{index}/_newsroom_topics and GET /_newsroom_topics: the node's indices (for
 * their mappings), its registered topics (dropped with their index when it leaves the node) and the request limits.
 */
public class NewsroomMatchPlugin extends Plugin implements ActionPlugin {
    /** Documents one match request may name: each is looked up and its candidates' queries run on it. */
    static final Setting<Integer> MAX_DOCS = Setting.intSetting("newsroom_match.max_docs", 2000, 1, Setting.Property.NodeScope);
    /** Topics one registration may name: each is built once and held for every batch to come. */
    static final Setting<Integer> MAX_QUERIES = Setting.intSetting(
        "newsroom_match.max_queries",
        20000,
        1,
        Setting.Property.NodeScope
    );

    private final SetOnce<Indices> indices = new SetOnce<>();
    private final TopicRegistry registry = new TopicRegistry();

    @Override
    public Collection<?> createComponents(PluginServices services) {
        indices.set(new Indices(services.indicesService(), services.clusterService(), services.projectResolver()));
        return List.of();
    }

    @Override
    public void onIndexModule(IndexModule module) {
        module.addIndexEventListener(new IndexEventListener() {
            @Override
            public void afterIndexRemoved(Index index, IndexSettings settings, IndexRemovalReason reason) {
                registry.forget(index.getUUID());
            }
        });
    }

    @Override
    public List<Setting<?>> getSettings() {
        return List.of(MAX_DOCS, MAX_QUERIES);
    }

    @Override
    public Collection<RestHandler> getRestHandlers(
        Settings settings,
        NamedWriteableRegistry namedWriteableRegistry,
        RestController restController,
        ClusterSettings clusterSettings,
        IndexScopedSettings indexScopedSettings,
        SettingsFilter settingsFilter,
        IndexNameExpressionResolver indexNameExpressionResolver,
        Supplier<DiscoveryNodes> nodesInCluster,
        Predicate<NodeFeature> clusterSupportsFeature
    ) {
        Limits limits = new Limits(MAX_DOCS.get(settings), MAX_QUERIES.get(settings));
        return List.of(new RestMatchAction(indices::get, limits, registry));
    }

    record Limits(int maxDocs, int maxQueries) {}
}

package org.newsroom.match;

import org.elasticsearch.cluster.metadata.IndexAbstraction;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.cluster.metadata.ProjectMetadata;
import org.elasticsearch.cluster.project.ProjectResolver;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.core.CheckedFunction;
import org.elasticsearch.index.Index;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.index.IndexService;
import org.elasticsearch.indices.IndicesService;

/**
 * The index a request names (an index or an alias: its write index, where the documents were written), with its
 * mapping and analyzers. A node that holds a shard of it has them already; any other node builds them for the
 * request from the cluster state, so that the endpoint answers the same on every node of a cluster.
 */
record Indices(IndicesService indicesService, ClusterService clusterService, ProjectResolver projects) {

    <T> T withIndex(String name, CheckedFunction<IndexService, T, Exception> work) throws Exception {
        ProjectMetadata project = projects.getProjectMetadata(clusterService.state());
        IndexAbstraction found = project.getIndicesLookup().get(name);
        if (found == null) {
            throw new IndexNotFoundException(name);
        }
        Index index = found.getWriteIndex() != null ? found.getWriteIndex() : found.getIndices().getLast();
        IndexService local = indicesService.indexService(index);
        if (local != null) {
            return work.apply(local);
        }
        IndexMetadata metadata = project.index(index);
        if (metadata == null) {
            throw new IndexNotFoundException(index);
        }
        return indicesService.withTempIndexService(metadata, work);
    }
}

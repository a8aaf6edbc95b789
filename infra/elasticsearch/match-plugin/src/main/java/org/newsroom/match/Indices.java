package org.newsroom.match;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.cluster.metadata.IndexAbstraction;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.cluster.metadata.ProjectMetadata;
import org.elasticsearch.cluster.project.ProjectResolver;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.core.CheckedFunction;
import org.elasticsearch.index.Index;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.index.IndexService;
import org.elasticsearch.indices.IndexClosedException;
import org.elasticsearch.indices.IndicesService;
import org.elasticsearch.rest.RestStatus;

/**
 * The index a request names (an index or an alias: its write index, where the documents were written), with its
 * mapping and analyzers, as the node holds them for its shard of it. A node without a shard of it (a coordinating
 * node) answers a 400 saying so: the caller verifies that batch another way (by msearch).
 * Building the index's services from the cluster state instead (IndicesService#withTempIndexService) gives no
 * caches, which a query context needs.
 */
record Indices(IndicesService indicesService, ClusterService clusterService, ProjectResolver projects) {

    <T> T withIndex(String name, CheckedFunction<IndexService, T, Exception> work) throws Exception {
        ProjectMetadata project = projects.getProjectMetadata(clusterService.state());
        IndexAbstraction found = project.getIndicesLookup().get(name);
        if (found == null) {
            throw new IndexNotFoundException(name);
        }
        Index index = found.getWriteIndex() != null ? found.getWriteIndex() : found.getIndices().getLast();
        if (project.index(index).getState() == IndexMetadata.State.CLOSE) {
            throw new IndexClosedException(index); // its shards stay allocated, but with no engine to parse with
        }
        IndexService local = indicesService.indexService(index);
        if (local == null) {
            throw new ElasticsearchStatusException("no shard of [" + index.getName() + "] on this node", RestStatus.BAD_REQUEST);
        }
        return work.apply(local);
    }
}

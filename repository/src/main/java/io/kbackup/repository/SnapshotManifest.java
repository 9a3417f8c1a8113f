package io.kbackup.repository;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot: written last, as the only commit point of a backup. It lists, per topic-partition,
 * the offset range it holds and every segment object needed to restore it, with sizes and SHA-256
 * digests.
 *
 * @param cutTime when the end offsets of every partition were captured
 * @param groups consumer groups with their committed offsets on the snapshot's topics, captured
 *     before the cut
 * @param files files given by the user, stored verbatim
 * @param cluster ACLs, client quotas, dynamic broker configs and SCRAM users of the cluster
 * @param parentId the snapshot this one was based on (whose segments it may re-use), or null for a
 *     full backup or the first one
 */
public record SnapshotManifest(
    int formatVersion,
    String id,
    String createdAt,
    String cutTime,
    String clusterId,
    String toolVersion,
    String parentId,
    List<TopicSnapshot> topics,
    List<GroupSnapshot> groups,
    ClusterMetadata cluster,
    List<IncludedFile> files) {

  public static final int FORMAT_VERSION = 1;

  public SnapshotManifest {
    topics = topics == null ? null : List.copyOf(topics);
    groups = groups == null ? List.of() : List.copyOf(groups);
    cluster = cluster == null ? ClusterMetadata.empty() : cluster;
    files = files == null ? List.of() : List.copyOf(files);
  }

  public Instant created() {
    return Instant.parse(createdAt);
  }

  public long recordCount() {
    return topics.stream().mapToLong(TopicSnapshot::recordCount).sum();
  }

  /** Bytes of stored segments and indexes this snapshot needs. */
  public long storedBytes() {
    return topics.stream()
        .flatMap(t -> t.partitions().stream())
        .flatMap(p -> p.segments().stream())
        .mapToLong(s -> s.size() + s.indexSize())
        .sum();
  }

  public int partitionCount() {
    return topics.stream().mapToInt(t -> t.partitions().size()).sum();
  }
}

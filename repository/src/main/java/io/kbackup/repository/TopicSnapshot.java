package io.kbackup.repository;

import java.util.List;
import java.util.Map;

/**
 * One topic of a snapshot.
 *
 * @param topicId Kafka's topic id; a different id under the same name is another topic
 * @param configs the topic's non-default configs at backup time
 * @param sensitiveConfigs names of configs set on the topic whose values Kafka does not reveal
 * @param replicaAssignment the broker ids holding each partition, preferred leader first
 */
public record TopicSnapshot(
    String name,
    String topicId,
    int partitionCount,
    int replicationFactor,
    Map<String, String> configs,
    List<PartitionSnapshot> partitions,
    List<String> sensitiveConfigs,
    Map<Integer, List<Integer>> replicaAssignment) {

  public TopicSnapshot {
    configs = configs == null ? Map.of() : Map.copyOf(configs);
    sensitiveConfigs = sensitiveConfigs == null ? List.of() : List.copyOf(sensitiveConfigs);
    replicaAssignment = replicaAssignment == null ? Map.of() : Map.copyOf(replicaAssignment);
    partitions = List.copyOf(partitions);
  }

  public long recordCount() {
    return partitions.stream().mapToLong(PartitionSnapshot::recordCount).sum();
  }
}

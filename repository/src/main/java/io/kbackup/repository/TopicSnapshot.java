package io.kbackup.repository;

import java.util.List;
import java.util.Map;

/**
 * One topic of a snapshot.
 *
 * @param topicId Kafka's topic id; a different id under the same name is another topic
 * @param configs the topic's non-default configs at backup time
 */
public record TopicSnapshot(
    String name,
    String topicId,
    int partitionCount,
    int replicationFactor,
    Map<String, String> configs,
    List<PartitionSnapshot> partitions) {

  public TopicSnapshot {
    configs = configs == null ? Map.of() : Map.copyOf(configs);
    partitions = List.copyOf(partitions);
  }

  public long recordCount() {
    return partitions.stream().mapToLong(PartitionSnapshot::recordCount).sum();
  }
}

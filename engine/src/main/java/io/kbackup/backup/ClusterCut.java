package io.kbackup.backup;

import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.metadata.ClusterState;
import io.kbackup.metadata.ConsumerGroups;
import io.kbackup.repository.ClusterMetadata;
import io.kbackup.repository.GroupSnapshot;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.TopicSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

/**
 * What a snapshot records of the cluster at its cut: the selected topics with their configs, the
 * log start and end (last stable offset) of every partition, consumer groups, ACLs, quotas and
 * broker configs. Groups are read before the end offsets, so a restored group may re-read a little
 * but never skips a record.
 */
record ClusterCut(
    String clusterId,
    Map<String, TopicDescription> topics,
    Map<String, TopicConfigs> configs,
    Map<TopicPartition, Long> starts,
    Map<TopicPartition, Long> ends,
    Instant time,
    List<GroupSnapshot> groups,
    ClusterMetadata cluster) {

  /** A topic's readable non-default configs and the names of the sensitive ones. */
  record TopicConfigs(Map<String, String> values, List<String> sensitive) {}

  static ClusterCut capture(KafkaConnection kafka, Admin admin, TopicSelector selector) {
    return capture(kafka, admin, selector, kafka.clusterId(admin));
  }

  /** The cut of a cluster whose id the caller has already asked for. */
  static ClusterCut capture(
      KafkaConnection kafka, Admin admin, TopicSelector selector, String clusterId) {
    Set<String> names = kafka.selectTopics(admin, selector);
    Map<String, TopicDescription> topics =
        new TreeMap<>(kafka.await(admin.describeTopics(names).allTopicNames(), "describe topics"));
    Map<String, TopicConfigs> configs = topicConfigs(kafka, admin, names);
    List<TopicPartition> partitions = KafkaConnection.partitions(topics.values());
    ClusterMetadata cluster = ClusterState.capture(kafka, admin);
    List<GroupSnapshot> groups = ConsumerGroups.capture(kafka, admin, names);
    Instant time = Instant.now();
    Map<TopicPartition, Long> ends =
        kafka.offsets(admin, partitions, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
    Map<TopicPartition, Long> starts =
        kafka.offsets(admin, partitions, OffsetSpec.earliest(), IsolationLevel.READ_COMMITTED);
    return new ClusterCut(clusterId, topics, configs, starts, ends, time, groups, cluster);
  }

  /** Every partition of the selected topics with its topic's id. */
  Map<TopicPartition, String> topicIds() {
    Map<TopicPartition, String> ids = new HashMap<>();
    for (TopicDescription d : topics.values()) {
      d.partitions()
          .forEach(
              p -> ids.put(new TopicPartition(d.name(), p.partition()), d.topicId().toString()));
    }
    return ids;
  }

  /** The partition's first offset in the snapshot: the log start may pass the cut between reads. */
  long start(TopicPartition tp) {
    return Math.min(starts.get(tp), ends.get(tp));
  }

  /** The snapshot's topics, each partition as the given function makes it. */
  List<TopicSnapshot> topicSnapshots(Function<TopicPartition, PartitionSnapshot> partition) {
    List<TopicSnapshot> result = new ArrayList<>();
    for (TopicDescription d : topics.values()) {
      List<PartitionSnapshot> partitions = new ArrayList<>();
      for (var p : d.partitions()) {
        partitions.add(partition.apply(new TopicPartition(d.name(), p.partition())));
      }
      int replication = d.partitions().isEmpty() ? 1 : d.partitions().get(0).replicas().size();
      result.add(
          new TopicSnapshot(
              d.name(),
              d.topicId().toString(),
              d.partitions().size(),
              replication,
              configs.get(d.name()).values(),
              partitions,
              configs.get(d.name()).sensitive(),
              assignment(d)));
    }
    return result;
  }

  private static Map<Integer, List<Integer>> assignment(TopicDescription d) {
    Map<Integer, List<Integer>> replicas = new TreeMap<>();
    d.partitions()
        .forEach(p -> replicas.put(p.partition(), p.replicas().stream().map(n -> n.id()).toList()));
    return replicas;
  }

  private static Map<String, TopicConfigs> topicConfigs(
      KafkaConnection kafka, Admin admin, Set<String> names) {
    List<ConfigResource> resources =
        names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
    Map<ConfigResource, Config> described =
        kafka.await(admin.describeConfigs(resources).all(), "describe topic configs");
    Map<String, TopicConfigs> result = new HashMap<>();
    described.forEach(
        (resource, config) -> {
          Map<String, String> values = new TreeMap<>();
          List<String> sensitive = new ArrayList<>();
          for (ConfigEntry e : config.entries()) {
            if (e.source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
              continue;
            }
            if (e.isSensitive() || e.value() == null) {
              sensitive.add(e.name());
            } else {
              values.put(e.name(), e.value());
            }
          }
          result.put(resource.name(), new TopicConfigs(values, sensitive));
        });
    return result;
  }
}

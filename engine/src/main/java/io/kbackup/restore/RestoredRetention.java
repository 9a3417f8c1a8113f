package io.kbackup.restore;

import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a backed-up retention config, set on a restored topic, would delete restored records at
 * once: {@code retention.ms} when the oldest restored record is older than it allows, {@code
 * retention.bytes} when a restored partition already takes more bytes on disk (restored records may
 * take more room than in the source, compressed otherwise).
 */
final class RestoredRetention {

  private final long oldestRecord;
  private final TopicPartition largest;
  private final long largestSize;
  private final boolean sizesKnown;

  /**
   * @param topic the restored topic
   * @param oldest the oldest restored record of each partition; MAX_VALUE when none
   * @param sizes bytes on disk of each restored partition; null when they could not be read
   */
  RestoredRetention(
      String topic, Map<TopicPartition, Long> oldest, Map<TopicPartition, Long> sizes) {
    this.oldestRecord =
        oldest.entrySet().stream()
            .filter(e -> e.getKey().topic().equals(topic))
            .mapToLong(Map.Entry::getValue)
            .min()
            .orElse(Long.MAX_VALUE);
    this.sizesKnown = sizes != null;
    Map.Entry<TopicPartition, Long> max =
        (sizes == null ? Map.<TopicPartition, Long>of() : sizes)
            .entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic))
                .max(Map.Entry.comparingByValue())
                .orElse(null);
    this.largest = max == null ? null : max.getKey();
    this.largestSize = max == null ? 0 : max.getValue();
  }

  /**
   * Why setting the retention config to the value would delete restored records, starting with
   * {@code KEY=VALUE}; null when it would not, and for other configs.
   */
  String deletes(String key, String value) {
    if (!key.equals("retention.ms") && !key.equals("retention.bytes")) {
      return null;
    }
    long limit;
    try {
      limit = Long.parseLong(value);
    } catch (NumberFormatException e) {
      return key + "=" + value + " is not a number";
    }
    if (limit < 0) {
      return null;
    }
    if (key.equals("retention.ms")) {
      long from = System.currentTimeMillis() - limit;
      return oldestRecord != Long.MAX_VALUE && oldestRecord < from
          ? key
              + "="
              + value
              + " would delete records older than "
              + Instant.ofEpochMilli(from)
              + " at once: set it with kafka-configs.sh when they may expire"
          : null;
    }
    if (!sizesKnown) {
      return key
          + "="
          + value
          + " was not set: the partitions' sizes on disk could not be read to check that it"
          + " deletes no restored record";
    }
    return largestSize > limit
        ? key
            + "="
            + value
            + " is less than the "
            + largestSize
            + " bytes partition "
            + largest
            + " takes on disk, so it would delete restored records: set it with"
            + " kafka-configs.sh when they may go"
        : null;
  }

  /**
   * The bytes each partition of the topics takes on disk, in its largest replica; null when the
   * brokers do not tell (the client may lack the permission to describe the cluster).
   */
  static Map<TopicPartition, Long> sizesOnDisk(
      KafkaConnection kafka, Admin admin, Collection<String> topics) {
    Map<TopicPartition, Long> sizes = new HashMap<>();
    if (topics.isEmpty()) {
      return sizes;
    }
    try {
      return sizesOnDisk(kafka, admin, topics, sizes);
    } catch (KbackupException e) {
      return null;
    }
  }

  private static Map<TopicPartition, Long> sizesOnDisk(
      KafkaConnection kafka,
      Admin admin,
      Collection<String> topics,
      Map<TopicPartition, Long> sizes) {
    List<Integer> brokers =
        kafka.await(admin.describeCluster().nodes(), "describe the cluster").stream()
            .map(Node::id)
            .toList();
    Map<Integer, Map<String, LogDirDescription>> dirs =
        kafka.await(
            admin.describeLogDirs(brokers).allDescriptions(), "describe the brokers' log dirs");
    for (Map<String, LogDirDescription> broker : dirs.values()) {
      for (LogDirDescription dir : broker.values()) {
        for (Map.Entry<TopicPartition, ReplicaInfo> r : dir.replicaInfos().entrySet()) {
          if (topics.contains(r.getKey().topic())) {
            sizes.merge(r.getKey(), r.getValue().size(), Math::max);
          }
        }
      }
    }
    return sizes;
  }
}

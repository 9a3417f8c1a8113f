package io.kbackup.restore;

import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The bounds a topic puts on record timestamps relative to the broker's clock: a record older than
 * {@code message.timestamp.before.max.ms} or newer than {@code message.timestamp.after.max.ms}
 * (both, on brokers that still know it, {@code message.timestamp.difference.max.ms}) is refused.
 * Restored records are often old, so a created topic gets no bound at all, and an existing target
 * whose bounds would refuse some of the plan's records is refused before anything is sent.
 */
final class TimestampBounds {

  static final String BEFORE = "message.timestamp.before.max.ms";
  static final String AFTER = "message.timestamp.after.max.ms";
  static final String DIFFERENCE = "message.timestamp.difference.max.ms";
  private static final String UNBOUNDED = Long.toString(Long.MAX_VALUE);

  private final KafkaConnection kafka;
  private final Storage storage;

  TimestampBounds(KafkaConnection kafka, Storage storage) {
    this.kafka = kafka;
    this.storage = storage;
  }

  /**
   * The configs that lift every bound; {@code message.timestamp.difference.max.ms} only when the
   * target's brokers know it (Kafka before 4.0), as a newer broker refuses an unknown config.
   */
  static Map<String, String> unbounded(boolean differenceKnown) {
    Map<String, String> configs = new TreeMap<>();
    configs.put(BEFORE, UNBOUNDED);
    configs.put(AFTER, UNBOUNDED);
    if (differenceKnown) {
      configs.put(DIFFERENCE, UNBOUNDED);
    }
    return configs;
  }

  /** Whether the target's brokers know {@code message.timestamp.difference.max.ms}. */
  static boolean differenceKnown(Config brokerConfig) {
    return brokerConfig != null && brokerConfig.get("log." + DIFFERENCE) != null;
  }

  /**
   * The configs of one of the target's brokers; null when they cannot be read (the client may lack
   * the permission to describe the cluster's configs).
   */
  static Config brokerConfig(KafkaConnection kafka, Admin admin) {
    try {
      int broker =
          kafka.await(admin.describeCluster().nodes(), "describe the cluster").stream()
              .findFirst()
              .map(n -> n.id())
              .orElse(-1);
      if (broker < 0) {
        return null;
      }
      ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, "" + broker);
      return kafka
          .await(admin.describeConfigs(List.of(resource)).all(), "describe broker configs")
          .get(resource);
    } catch (KbackupException e) {
      return null;
    }
  }

  /**
   * Refuses an existing target topic whose timestamp bounds would refuse a record of the plan,
   * naming the topic, the config and the value to set. The oldest record is only looked for when a
   * bound on old records is set, as that reads the plan's records.
   */
  void checkExisting(Admin admin, Collection<String> topics, List<PartitionRestore> plan)
      throws IOException {
    if (topics.isEmpty()) {
      return;
    }
    List<ConfigResource> resources =
        topics.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
    Map<ConfigResource, Config> configs =
        kafka.await(admin.describeConfigs(resources).all(), "describe topic configs");
    long now = System.currentTimeMillis();
    for (ConfigResource resource : resources) {
      String topic = resource.name();
      List<PartitionRestore> partitions =
          plan.stream().filter(p -> p.target().topic().equals(topic)).toList();
      Config config = configs.get(resource);
      long newest = newest(partitions);
      for (String key : List.of(AFTER, DIFFERENCE)) {
        long bound = bound(config, key);
        if (newest != Long.MIN_VALUE && bound < Long.MAX_VALUE && newest > now + bound) {
          throw refused(topic, key, bound, "newer than", newest);
        }
      }
      for (String key : List.of(BEFORE, DIFFERENCE)) {
        long bound = bound(config, key);
        if (bound < Long.MAX_VALUE) {
          long oldest = oldestBefore(partitions, now - bound);
          if (oldest != Long.MAX_VALUE) {
            throw refused(topic, key, bound, "older than", oldest);
          }
        }
      }
    }
  }

  private static long bound(Config config, String key) {
    ConfigEntry entry = config == null ? null : config.get(key);
    if (entry == null || entry.value() == null) {
      return Long.MAX_VALUE;
    }
    try {
      long value = Long.parseLong(entry.value());
      return value < 0 ? Long.MAX_VALUE : value;
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The greatest timestamp of the segments the plan reads; MIN_VALUE when none. */
  private static long newest(List<PartitionRestore> partitions) {
    long newest = Long.MIN_VALUE;
    for (PartitionRestore p : partitions) {
      for (SegmentInfo s : p.segments()) {
        if (s.lastOffset() >= p.startOffset() && s.firstOffset() < p.stopOffset()) {
          newest = Math.max(newest, s.maxTimestamp());
        }
      }
    }
    return newest;
  }

  /** The timestamp of the first record of the plan older than the limit; MAX_VALUE when none. */
  private long oldestBefore(List<PartitionRestore> partitions, long limit) throws IOException {
    for (PartitionRestore p : partitions) {
      try (PlanRecords records = new PlanRecords(storage, p)) {
        for (BackupRecord r = records.next(); r != null; r = records.next()) {
          if (r.timestamp() >= 0 && r.timestamp() < limit) {
            return r.timestamp();
          }
        }
      }
    }
    return Long.MAX_VALUE;
  }

  private static KbackupException refused(
      String topic, String key, long bound, String relation, long timestamp) {
    return KbackupException.usage(
        "target topic "
            + topic
            + " refuses records "
            + relation
            + " "
            + key
            + "="
            + bound
            + " ms allows, and the snapshot has a record from "
            + Instant.ofEpochMilli(timestamp)
            + "; nothing was sent",
        "set "
            + key
            + "="
            + UNBOUNDED
            + " on topic "
            + topic
            + " for the restore (kafka-configs.sh --alter --entity-type topics --entity-name "
            + topic
            + " --add-config "
            + key
            + "="
            + UNBOUNDED
            + "), or restore into a new topic with --topic-map");
  }
}

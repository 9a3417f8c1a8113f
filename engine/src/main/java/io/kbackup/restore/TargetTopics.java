package io.kbackup.restore;

import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.repository.TopicSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The target topics of a restore: which exist, creating the missing ones so that old records
 * survive (no time retention, create time, timestamp bounds lifted explicitly), and setting the
 * backed-up configs once the data is in.
 */
final class TargetTopics {

  /** Configs a new topic is created without, because they would reject or delete old records. */
  static final Set<String> DEFERRED_CONFIGS =
      Set.of(
          "retention.ms",
          "retention.bytes",
          "message.timestamp.type",
          "message.timestamp.difference.max.ms",
          "message.timestamp.before.max.ms",
          "message.timestamp.after.max.ms");

  private final KafkaConnection kafka;
  private final RestoreOptions options;

  TargetTopics(KafkaConnection kafka, RestoreOptions options) {
    this.kafka = kafka;
    this.options = options;
  }

  /**
   * A new topic's configs: the backed-up ones, safe for old records, then the overrides. The
   * timestamp bounds are set explicitly, as the target broker's defaults would otherwise apply.
   *
   * @param differenceKnown whether the target's brokers know {@code
   *     message.timestamp.difference.max.ms}
   */
  Map<String, String> creationConfigs(TopicSnapshot t, boolean differenceKnown) {
    Map<String, String> configs = new TreeMap<>(t.configs());
    DEFERRED_CONFIGS.forEach(configs::remove);
    configs.put("retention.ms", "-1");
    configs.put("retention.bytes", "-1");
    configs.put("message.timestamp.type", "CreateTime");
    configs.putAll(TimestampBounds.unbounded(differenceKnown));
    configs.putAll(options.configOverrides());
    return configs;
  }

  /**
   * An existing target topic that stamps records with the broker's time would give every restored
   * record a new timestamp: refuse it rather than restore records that are not the same.
   */
  void checkTimestampsKept(Admin admin, java.util.Set<String> existingTargets) {
    if (existingTargets.isEmpty()) {
      return;
    }
    List<ConfigResource> resources =
        existingTargets.stream()
            .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
            .toList();
    kafka
        .await(admin.describeConfigs(resources).all(), "describe topic configs")
        .forEach(
            (resource, config) -> {
              ConfigEntry type = config.get("message.timestamp.type");
              if (type != null && "LogAppendTime".equals(type.value())) {
                throw KbackupException.usage(
                    "target topic "
                        + resource.name()
                        + " uses message.timestamp.type=LogAppendTime: restored records would get"
                        + " new timestamps",
                    "restore into a new topic with --topic-map, or set"
                        + " message.timestamp.type=CreateTime on it for the restore");
              }
            });
  }

  Map<String, TopicDescription> existingTopics(Admin admin, List<TopicSnapshot> topics) {
    Set<String> names = kafka.await(admin.listTopics().names(), "list topics");
    List<String> wanted =
        topics.stream()
            .map(t -> options.topicMap().target(t.name()))
            .filter(names::contains)
            .toList();
    if (wanted.isEmpty()) {
      return Map.of();
    }
    return kafka.await(admin.describeTopics(wanted).allTopicNames(), "describe topics");
  }

  void createTopics(
      Admin admin, List<TopicSnapshot> topics, List<String> toCreate, List<String> notes) {
    List<NewTopic> newTopics = new ArrayList<>();
    boolean differenceKnown =
        !toCreate.isEmpty()
            && TimestampBounds.differenceKnown(TimestampBounds.brokerConfig(kafka, admin));
    for (TopicSnapshot t : topics) {
      String target = options.topicMap().target(t.name());
      if (!toCreate.contains(target)) {
        continue;
      }
      Map<String, String> configs = creationConfigs(t, differenceKnown);
      Optional<Short> replication =
          Optional.ofNullable(options.replicationFactor()).map(Integer::shortValue);
      int partitions = options.partitions().countFor(t.name(), t.partitionCount());
      newTopics.add(new NewTopic(target, Optional.of(partitions), replication).configs(configs));
      if (partitions > t.partitionCount()) {
        notes.add(
            "topic "
                + target
                + " created with "
                + partitions
                + " partitions; partitions "
                + t.partitionCount()
                + " to "
                + (partitions - 1)
                + " start empty, and keyed producers will place keys differently than before");
      }
    }
    if (newTopics.isEmpty()) {
      return;
    }
    try {
      admin
          .createTopics(newTopics)
          .all()
          .get(kafka.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
        throw KbackupException.failed(
            "Kafka refused to create topics: " + e.getCause().getMessage(),
            "check the client's permission to create topics and the cluster's replication settings",
            e.getCause());
      }
    } catch (java.util.concurrent.TimeoutException e) {
      throw kafka.unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KbackupException(ExitCode.INTERRUPTED, "interrupted", null, e);
    }
    awaitLeaders(admin, newTopics.stream().map(NewTopic::name).toList());
  }

  private void awaitLeaders(Admin admin, List<String> names) {
    Instant deadline = Instant.now().plus(kafka.timeout());
    while (Instant.now().isBefore(deadline)) {
      try {
        Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames().get();
        if (d.values().stream()
            .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null))) {
          return;
        }
      } catch (ExecutionException e) {
        // not visible yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Sets the backed-up configs a created topic was given without, now that the data is in:
   * log-append time and timestamp bounds only concern new records, and bounds the source topic did
   * not set are removed again. Time and size retention are set only when they delete none of the
   * restored records; otherwise they are left at -1 and the output says so.
   */
  void applyDeferredConfigs(
      Admin admin,
      List<TopicSnapshot> topics,
      List<String> created,
      Map<TopicPartition, Long> oldest,
      List<String> notes) {
    List<String> targets =
        topics.stream()
            .map(t -> options.topicMap().target(t.name()))
            .filter(created::contains)
            .toList();
    if (targets.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> sizes = RestoredRetention.sizesOnDisk(kafka, admin, targets);
    Config broker = TimestampBounds.brokerConfig(kafka, admin);
    for (TopicSnapshot t : topics) {
      String target = options.topicMap().target(t.name());
      if (!created.contains(target)) {
        continue;
      }
      RestoredRetention retention = new RestoredRetention(target, oldest, sizes);
      Map<String, String> apply = new TreeMap<>();
      Map<String, String> withheld = new TreeMap<>();
      new TreeMap<>(t.configs())
          .forEach(
              (key, value) -> {
                if (!DEFERRED_CONFIGS.contains(key) || options.configOverrides().containsKey(key)) {
                  return;
                }
                String deletes = retention.deletes(key, value);
                if (deletes != null) {
                  withheld.put(key, "the backed-up " + deletes);
                } else {
                  apply.put(key, value);
                }
              });
      // what the source topic did not set returns to the target broker's defaults, as there:
      // timestamp bounds at once, size retention when the default deletes nothing restored
      List<String> lifted = new ArrayList<>(List.of(TimestampBounds.BEFORE, TimestampBounds.AFTER));
      if (TimestampBounds.differenceKnown(broker)) {
        lifted.add(TimestampBounds.DIFFERENCE);
      }
      ConfigEntry sizeDefault = broker == null ? null : broker.get("log.retention.bytes");
      if (sizeDefault != null && sizeDefault.value() != null) {
        String deletes = retention.deletes("retention.bytes", sizeDefault.value());
        if (deletes == null) {
          lifted.add("retention.bytes");
        } else if (!t.configs().containsKey("retention.bytes")) {
          withheld.put("retention.bytes", "the broker's default log." + deletes);
        }
      }
      lifted.removeIf(k -> t.configs().containsKey(k) || options.configOverrides().containsKey(k));
      List<AlterConfigOp> ops = new ArrayList<>();
      apply.forEach(
          (k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
      lifted.forEach(
          k -> ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE)));
      if (!ops.isEmpty()) {
        kafka.await(
            admin
                .incrementalAlterConfigs(
                    Map.of(new ConfigResource(ConfigResource.Type.TOPIC, target), ops))
                .all(),
            "set the configs of topic " + target);
      }
      if (!apply.isEmpty()) {
        notes.add(
            "topic "
                + target
                + ": backed-up configs applied after the data: "
                + apply.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", ")));
      }
      if (!apply.containsKey("retention.ms")) {
        notes.add(
            "topic "
                + target
                + " keeps retention.ms=-1 so that restored records are not deleted by time retention"
                + (withheld.containsKey("retention.ms")
                    ? "; " + withheld.get("retention.ms")
                    : ""));
      }
      if (withheld.containsKey("retention.bytes")) {
        notes.add(
            "topic "
                + target
                + " keeps retention.bytes=-1 so that restored records are not deleted by size"
                + " retention; "
                + withheld.get("retention.bytes"));
      }
    }
  }
}

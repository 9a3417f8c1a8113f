package io.kbackup.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.backup.BackupResult;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.repository.GroupSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.testing.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a restore into another cluster, a consumer of each group reads in the target exactly the
 * records it had not yet read in the source: none twice, none missing.
 */
class GroupRestoreTest {

  static final String ORDERS = "grp-" + SampleTopics.ORDERS;
  static final String PAYMENTS = "grp-" + SampleTopics.PAYMENTS;
  static final String TRIMMED = "grp-trimmed";

  @Test
  void everyGroupResumesOnTheRecordItWouldHaveReadNext(@TempDir Path dir) throws Exception {
    LocalKafka source = SharedKafka.primary();
    LocalKafka target = SharedKafka.secondary();
    SampleTopics.write(source.bootstrapServers(), "grp-", 10);
    Topics.create(source.bootstrapServers(), TRIMMED, 1);
    Topics.fill(source.bootstrapServers(), TRIMMED, 1, 0, 50, (p, i) -> 1_700_000_000_000L + i);
    Topics.deleteRecordsBefore(source.bootstrapServers(), new TopicPartition(TRIMMED, 0), 20);

    // payments partition 0: records 0-4, commit marker 5, aborted 6-10, abort marker 11,
    // records 12-16, marker 17, records 18-22, marker 23
    commit(source, "g-start", Map.of(tp(ORDERS, 0), 0L, tp(ORDERS, 1), 0L, tp(ORDERS, 2), 0L));
    commit(
        source,
        "g-middle",
        Map.of(tp(ORDERS, 0), 5L, tp(ORDERS, 1), 3L, tp(PAYMENTS, 0), 8L, tp(PAYMENTS, 1), 13L));
    commit(
        source,
        "g-end",
        Map.of(
            tp(ORDERS, 0),
            10L,
            tp(ORDERS, 1),
            10L,
            tp(ORDERS, 2),
            10L,
            tp(PAYMENTS, 0),
            24L,
            tp(PAYMENTS, 1),
            24L));
    commit(source, "g-marker", Map.of(tp(PAYMENTS, 0), 5L, tp(PAYMENTS, 1), 17L));
    commit(source, "g-behind-log-start", Map.of(tp(TRIMMED, 0), 10L));
    commit(source, "g-active", Map.of(tp(ORDERS, 0), 4L));

    Repository repo = Repository.init(new FileSystemStorage(dir), SegmentSettings.defaults());
    BackupResult backup =
        new Backup(
                repo,
                KafkaConnection.of(source.bootstrapServers()),
                new BackupOptions(TopicSelector.of("grp-.*", null), false))
            .run();
    assertThat(backup.snapshot().groups())
        .extracting(GroupSnapshot::groupId)
        .contains("g-start", "g-middle", "g-end", "g-marker", "g-behind-log-start", "g-active");
    GroupSnapshot middle =
        backup.snapshot().groups().stream()
            .filter(g -> g.groupId().equals("g-middle"))
            .findFirst()
            .orElseThrow();
    assertThat(middle.offsets()).hasSize(4);
    assertThat(middle.offsets().get(0).metadata()).isEqualTo("meta-g-middle");

    try (KafkaConsumer<byte[], byte[]> active =
        groupConsumer(target.bootstrapServers(), "g-active")) {
      Topics.create(target.bootstrapServers(), "dr-busy", 1);
      active.subscribe(List.of("dr-busy"));
      Instant deadline = Instant.now().plusSeconds(30);
      while (active.assignment().isEmpty() && Instant.now().isBefore(deadline)) {
        active.poll(Duration.ofMillis(100));
      }
      String map = ORDERS + "=dr-orders," + PAYMENTS + "=dr-payments," + TRIMMED + "=dr-trimmed";
      RestoreResult dryRun =
          new Restore(
                  repo,
                  KafkaConnection.of(target.bootstrapServers()),
                  RestoreOptions.builder()
                      .topics(TopicSelector.of("grp-(orders|payments|trimmed)", null))
                      .topicMap(TopicMap.parse(map))
                      .parallelism(3)
                      .dryRun(true)
                      .build())
              .run();
      RestoreResult result =
          new Restore(
                  repo,
                  KafkaConnection.of(target.bootstrapServers()),
                  RestoreOptions.builder()
                      .topics(TopicSelector.of("grp-(orders|payments|trimmed)", null))
                      .topicMap(TopicMap.parse(map))
                      .parallelism(3)
                      .dryRun(false)
                      .build())
              .run();
      assertThat(result.groups())
          .filteredOn(g -> g.groupId().equals("g-active"))
          .singleElement()
          .satisfies(
              g -> assertThat(g.skippedBecause()).isEqualTo("1 active members in the target"));
      assertThat(result.notes())
          .anyMatch(n -> n.startsWith("consumer group g-active was not changed"));
      // the dry run predicted exactly the offsets the restore then set
      assertThat(dryRun.groups()).isEqualTo(result.groups());
      assertThat(dryRun.groups()).hasSizeGreaterThan(4);
      GroupOutcome payments =
          result.groups().stream()
              .filter(g -> g.groupId().equals("g-marker"))
              .findFirst()
              .orElseThrow();
      assertThat(payments.offsets())
          .containsEntry(tp("dr-payments", 0), 5L)
          .containsEntry(tp("dr-payments", 1), 10L);
    }

    Map<String, String> renamed =
        Map.of(ORDERS, "dr-orders", PAYMENTS, "dr-payments", TRIMMED, "dr-trimmed");
    for (String group : List.of("g-start", "g-middle", "g-end", "g-marker", "g-behind-log-start")) {
      for (Map.Entry<String, String> topic : renamed.entrySet()) {
        List<String> inSource = readAsGroup(source.bootstrapServers(), topic.getKey(), group);
        List<String> inTarget = readAsGroup(target.bootstrapServers(), topic.getValue(), group);
        assertThat(inTarget).as(group + " on " + topic.getKey()).isEqualTo(inSource);
      }
    }
    assertThat(readAsGroup(source.bootstrapServers(), ORDERS, "g-end")).isEmpty();
    assertThat(readAsGroup(source.bootstrapServers(), PAYMENTS, "g-middle"))
        .hasSize(5 + 5 + 5 + 5 - 1);
    assertThat(readAsGroup(source.bootstrapServers(), TRIMMED, "g-behind-log-start")).hasSize(30);
    // the active group kept its own (empty) offsets in the target
    try (Admin admin = Topics.admin(target.bootstrapServers())) {
      assertThat(admin.listConsumerGroupOffsets("g-active").partitionsToOffsetAndMetadata().get())
          .doesNotContainKey(tp("dr-orders", 0));
    }
  }

  static TopicPartition tp(String topic, int partition) {
    return new TopicPartition(topic, partition);
  }

  static void commit(LocalKafka kafka, String group, Map<TopicPartition, Long> offsets)
      throws Exception {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    offsets.forEach((tp, o) -> commits.put(tp, new OffsetAndMetadata(o, "meta-" + group)));
    try (Admin admin = Topics.admin(kafka.bootstrapServers())) {
      admin.alterConsumerGroupOffsets(group, commits).all().get();
    }
  }

  static KafkaConsumer<byte[], byte[]> groupConsumer(String bootstrap, String group) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", group);
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    p.put("isolation.level", "read_committed");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** What a consumer of the group reads from its committed offsets to the end, offsets aside. */
  static List<String> readAsGroup(String bootstrap, String topic, String group) throws Exception {
    List<String> read = new ArrayList<>();
    try (Admin admin = Topics.admin(bootstrap);
        KafkaConsumer<byte[], byte[]> consumer = groupConsumer(bootstrap, group)) {
      int partitions =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        request.put(tp(topic, p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(request).all().get().forEach((k, v) -> ends.put(k, v.offset()));
      consumer.assign(ends.keySet());
      Instant deadline = Instant.now().plusSeconds(30);
      while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError("could not read " + topic + " as " + group);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          read.add(
              r.partition()
                  + ":"
                  + Arrays.toString(r.key())
                  + ":"
                  + Arrays.toString(r.value())
                  + ":"
                  + r.timestamp());
        }
      }
    }
    read.sort(String::compareTo);
    return read;
  }
}

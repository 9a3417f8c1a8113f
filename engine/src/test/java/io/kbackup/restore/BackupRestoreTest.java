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
import io.kbackup.localkafka.TopicContents;
import io.kbackup.localkafka.TopicContents.Entry;
import io.kbackup.repository.Json;
import io.kbackup.repository.Repository;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupRestoreTest {

  static LocalKafka kafka;
  static final String PREFIX = "fid-";

  @BeforeAll
  static void writeCorpus() throws Exception {
    kafka = SharedKafka.primary();
    SampleTopics.write(kafka.bootstrapServers(), PREFIX, 40);
  }

  static Repository newRepository(Path dir) throws Exception {
    return Repository.init(new FileSystemStorage(dir), SegmentSettings.defaults());
  }

  static BackupResult backup(Repository repo, String topicsRegex) throws Exception {
    return new Backup(
            repo,
            KafkaConnection.of(kafka.bootstrapServers()),
            new BackupOptions(TopicSelector.of(topicsRegex, null), false))
        .run();
  }

  static RestoreResult restore(Repository repo, LocalKafka target, String topics, String map)
      throws Exception {
    return new Restore(
            repo,
            KafkaConnection.of(target.bootstrapServers()),
            RestoreOptions.builder()
                .topics(TopicSelector.of(topics, null))
                .topicMap(TopicMap.parse(map))
                .build())
        .run();
  }

  @Test
  void restoresEveryFieldOfEveryRecordIntoARenamedTopic(@TempDir Path dir) throws Exception {
    Repository repo = newRepository(dir);
    BackupResult backup = backup(repo, PREFIX + ".*");
    List<String> topics = SampleTopics.names(PREFIX);
    long expectedRecords = 0;
    for (String t : topics) {
      expectedRecords += TopicContents.read(kafka.bootstrapServers(), t).size();
    }
    // 3 x 40 orders, 20 audit records, 3 committed transactions of 10 payments
    assertThat(expectedRecords).isEqualTo(120 + 20 + 30);
    assertThat(backup.snapshot().recordCount()).isEqualTo(expectedRecords);
    assertThat(backup.recordsRead()).isEqualTo(expectedRecords);
    var orders =
        backup.snapshot().topics().stream()
            .filter(t -> t.name().equals(PREFIX + SampleTopics.ORDERS))
            .findFirst()
            .orElseThrow();
    assertThat(orders.replicaAssignment())
        .isEqualTo(Map.of(0, List.of(1), 1, List.of(1), 2, List.of(1)));
    assertThat(orders.configs()).isEqualTo(Map.of("retention.ms", "604800000"));
    assertThat(orders.sensitiveConfigs()).isEmpty();

    RestoreResult result =
        restore(
            repo,
            kafka,
            PREFIX + ".*",
            topics.stream()
                .map(t -> t + "=restored-" + t)
                .reduce((a, b) -> a + "," + b)
                .orElseThrow());
    assertThat(result.recordsSent()).isEqualTo(expectedRecords);
    assertThat(result.createdTopics()).hasSize(3);

    for (String t : topics) {
      List<Entry> source = TopicContents.read(kafka.bootstrapServers(), t);
      List<Entry> restored = TopicContents.read(kafka.bootstrapServers(), "restored-" + t);
      if (t.endsWith(SampleTopics.AUDIT)) {
        // log-append time cannot be produced: the time is kept, the type becomes create time
        assertThat(source).allMatch(e -> e.timestampType().equals("LogAppendTime"));
        assertThat(restored).allMatch(e -> e.timestampType().equals("CreateTime"));
        assertThat(restored.stream().map(e -> e.withoutOffset().timestamp()).toList())
            .isEqualTo(source.stream().map(Entry::timestamp).toList());
        continue;
      }
      assertThat(restored.stream().map(Entry::withoutOffset).toList())
          .isEqualTo(source.stream().map(Entry::withoutOffset).toList());
      // the offset map sends each source offset to the target offset holding the same record
      RestoreState state =
          Json.read(
              repo.storage().readAll(Repository.RESTORES_PREFIX + result.stateId() + ".json"),
              RestoreState.class,
              "state");
      assertThat(state.status()).isEqualTo(RestoreState.COMPLETE);
      for (int i = 0; i < source.size(); i++) {
        Entry s = source.get(i);
        long mapped = translate(state, t, s.partition(), s.offset());
        Entry r =
            restored.stream()
                .filter(e -> e.partition() == s.partition() && e.offset() == mapped)
                .findFirst()
                .orElseThrow();
        assertThat(r.withoutOffset()).isEqualTo(s.withoutOffset());
      }
    }
    // transactions: aborted records and markers leave gaps in the source, none in the target
    List<Entry> payments =
        TopicContents.read(kafka.bootstrapServers(), PREFIX + SampleTopics.PAYMENTS);
    assertThat(payments.stream().filter(e -> e.partition() == 0).map(Entry::offset).toList())
        .startsWith(0L, 1L, 2L, 3L, 4L)
        .doesNotContain(5L);
    List<Entry> restoredPayments =
        TopicContents.read(kafka.bootstrapServers(), "restored-" + PREFIX + SampleTopics.PAYMENTS);
    assertThat(
            restoredPayments.stream().filter(e -> e.partition() == 0).map(Entry::offset).toList())
        .isEqualTo(java.util.stream.LongStream.range(0, 15).boxed().toList());
    try (Admin admin =
        Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      var config =
          admin
              .describeConfigs(
                  List.of(
                      new org.apache.kafka.common.config.ConfigResource(
                          org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                          "restored-" + PREFIX + SampleTopics.ORDERS)))
              .all()
              .get();
      assertThat(config.values().iterator().next().get("retention.ms").value()).isEqualTo("-1");
      var audit =
          new org.apache.kafka.common.config.ConfigResource(
              org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
              "restored-" + PREFIX + SampleTopics.AUDIT);
      // log-append time is set once the data is in: the restored records keep their timestamps
      assertThat(
              admin
                  .describeConfigs(List.of(audit))
                  .all()
                  .get()
                  .get(audit)
                  .get("message.timestamp.type")
                  .value())
          .isEqualTo("LogAppendTime");
    }
    assertThat(result.notes())
        .contains(
            "topic restored-"
                + PREFIX
                + SampleTopics.AUDIT
                + ": backed-up configs applied after the data: message.timestamp.type=LogAppendTime")
        .anyMatch(
            n ->
                n.startsWith(
                    "topic restored-"
                        + PREFIX
                        + SampleTopics.ORDERS
                        + " keeps retention.ms=-1 so that restored records are not deleted by time retention; the backed-up retention.ms=604800000 would delete records older than"));
  }

  @Test
  void aRetentionThatDeletesNoRestoredRecordIsAppliedAfterTheData(@TempDir Path dir)
      throws Exception {
    String topic = "long-retention";
    try (Admin admin =
        Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)
                      .configs(Map.of("retention.ms", "315360000000"))))
          .all()
          .get();
    }
    io.kbackup.testing.Topics.fill(
        kafka.bootstrapServers(),
        topic,
        1,
        0,
        5,
        (p, i) -> System.currentTimeMillis() - 86_400_000L);
    Repository repo = newRepository(dir);
    backup(repo, topic);
    RestoreResult result = restore(repo, kafka, topic, topic + "=" + topic + "-restored");
    assertThat(result.notes())
        .contains(
            "topic long-retention-restored: backed-up configs applied after the data: retention.ms=315360000000");
    try (Admin admin =
        Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      var resource =
          new org.apache.kafka.common.config.ConfigResource(
              org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic + "-restored");
      assertThat(
              admin
                  .describeConfigs(List.of(resource))
                  .all()
                  .get()
                  .get(resource)
                  .get("retention.ms")
                  .value())
          .isEqualTo("315360000000");
    }
    assertThat(TopicContents.read(kafka.bootstrapServers(), topic + "-restored")).hasSize(5);
  }

  static long translate(RestoreState state, String sourceTopic, int partition, long offset) {
    for (RestoreState.Partition p : state.partitions()) {
      if (p.sourceTopic().equals(sourceTopic) && p.partition() == partition) {
        for (OffsetRange r : p.offsetMap()) {
          if (offset >= r.sourceStart() && offset < r.sourceStart() + r.count()) {
            return r.targetStart() + (offset - r.sourceStart());
          }
        }
      }
    }
    throw new AssertionError(
        "offset " + offset + " of " + sourceTopic + "-" + partition + " not in the map");
  }
}

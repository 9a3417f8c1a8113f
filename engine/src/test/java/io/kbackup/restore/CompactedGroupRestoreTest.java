package io.kbackup.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.repository.Repository;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.testing.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Groups on a topic whose log was really compacted by the broker resume on the right record. */
class CompactedGroupRestoreTest {

  @TempDir static Path dir;
  static LocalKafka compacting;

  @BeforeAll
  static void start() throws Exception {
    compacting =
        LocalKafka.start(
            dir.resolve("kafka"),
            Map.of("log.cleaner.backoff.ms", "200", "log.cleaner.min.compaction.lag.ms", "0"));
  }

  @AfterAll
  static void stop() {
    compacting.stop();
  }

  @Test
  void aGroupWhoseNextRecordWasCompactedAwayResumesOnTheNextSurvivor() throws Exception {
    String topic = "compacted";
    try (Admin admin = Topics.admin(compacting.bootstrapServers())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 1, (short) 1)
                      .configs(
                          Map.of(
                              "cleanup.policy",
                              "compact",
                              "segment.ms",
                              "100",
                              "min.cleanable.dirty.ratio",
                              "0.001",
                              "delete.retention.ms",
                              "0"))))
          .all()
          .get();
    }
    // keys k0..k9 written ten times over, in separate segments, so most records are superseded
    try (KafkaProducer<byte[], byte[]> producer = Topics.producer(compacting.bootstrapServers())) {
      for (int round = 0; round < 10; round++) {
        for (int k = 0; k < 10; k++) {
          producer
              .send(
                  new ProducerRecord<>(
                      topic, 0, Topics.bytes("k" + k), Topics.bytes(round + "-" + k)))
              .get();
        }
        Thread.sleep(150); // the next append rolls a new segment
      }
    }
    Instant deadline = Instant.now().plusSeconds(60);
    List<TopicContents.Entry> survivors = TopicContents.read(compacting.bootstrapServers(), topic);
    while (survivors.size() > 40 && Instant.now().isBefore(deadline)) {
      Thread.sleep(500);
      survivors = TopicContents.read(compacting.bootstrapServers(), topic);
    }
    assertThat(survivors.size()).as("the broker compacted the topic").isLessThanOrEqualTo(40);
    long gapStart = -1;
    long expected = 0;
    for (TopicContents.Entry e : survivors) {
      if (e.offset() > expected) {
        gapStart = expected;
        break;
      }
      expected = e.offset() + 1;
    }
    assertThat(gapStart).as("compaction left a gap").isGreaterThanOrEqualTo(0);
    GroupRestoreTest.commit(
        compacting, "on-a-gap", Map.of(GroupRestoreTest.tp(topic, 0), gapStart));
    long survivor = survivors.get(survivors.size() / 2).offset();
    GroupRestoreTest.commit(
        compacting, "on-a-survivor", Map.of(GroupRestoreTest.tp(topic, 0), survivor));

    Repository repo =
        Repository.init(new FileSystemStorage(dir.resolve("repo")), SegmentSettings.defaults());
    new Backup(
            repo,
            KafkaConnection.of(compacting.bootstrapServers()),
            new BackupOptions(TopicSelector.of(topic, null), false))
        .run();
    LocalKafka target = SharedKafka.secondary();
    new Restore(
            repo,
            KafkaConnection.of(target.bootstrapServers()),
            RestoreOptions.builder().topicMap(TopicMap.parse(topic + "=compacted-dr")).build())
        .run();

    for (String group : List.of("on-a-gap", "on-a-survivor")) {
      List<String> inSource =
          GroupRestoreTest.readAsGroup(compacting.bootstrapServers(), topic, group);
      List<String> inTarget =
          GroupRestoreTest.readAsGroup(target.bootstrapServers(), "compacted-dr", group);
      assertThat(inTarget).as(group).isEqualTo(inSource).isNotEmpty();
    }
  }
}

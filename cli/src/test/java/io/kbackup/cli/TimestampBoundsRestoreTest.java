package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.TopicContents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target broker whose default refuses records older than an hour: a topic the restore creates
 * takes every day-old record, and an existing topic with that bound is refused before any record is
 * sent, with the config to change named.
 */
class TimestampBoundsRestoreTest {

  static final String SOURCE = "old-events";
  static final String MAX = Long.toString(Long.MAX_VALUE);

  @TempDir static Path dir;
  static LocalKafka kafka;
  static String repo;

  @BeforeAll
  static void backUpDayOldRecords() throws Exception {
    kafka =
        LocalKafka.start(
            dir.resolve("kafka"), Map.of("log.message.timestamp.before.max.ms", "3600000"));
    try (Admin admin = admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(SOURCE, 2, (short) 1)
                      .configs(Map.of("message.timestamp.before.max.ms", MAX))))
          .all()
          .get();
    }
    long dayAgo = System.currentTimeMillis() - 24 * 3600_000L;
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      records.add(
          new ProducerRecord<>(
              SOURCE,
              i % 2,
              dayAgo + i,
              ("k" + i).getBytes(StandardCharsets.UTF_8),
              ("v" + i).getBytes(StandardCharsets.UTF_8)));
    }
    try (KafkaProducer<byte[], byte[]> producer = TestTopics.producer(kafka.bootstrapServers())) {
      TestTopics.sendAll(producer, records);
    }
    repo = dir.resolve("repo").toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
    CliRunner.Result backup =
        CliRunner.run("backup", "--repo", repo, "-b", kafka.bootstrapServers());
    assertThat(backup.exitCode()).as(backup.err()).isZero();
  }

  @AfterAll
  static void stopBroker() {
    kafka.stop();
  }

  @Test
  void aCreatedTopicTakesDayOldRecordsDespiteTheBrokersBound() throws Exception {
    CliRunner.Result r = restore("old-events-new");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(TopicContents.read(kafka.bootstrapServers(), "old-events-new"))
        .isEqualTo(TopicContents.read(kafka.bootstrapServers(), SOURCE))
        .hasSize(1000);
    try (Admin admin = admin()) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "old-events-new");
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      // the backed-up bound; the one the source did not set is the broker's default again
      assertThat(config.get("message.timestamp.before.max.ms").value()).isEqualTo(MAX);
      assertThat(config.get("message.timestamp.after.max.ms").source())
          .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }
  }

  @Test
  void anExistingTopicWhoseBoundRefusesOldRecordsIsRefusedBeforeAnythingIsSent() throws Exception {
    String target = "old-events-bounded";
    TestTopics.create(kafka.bootstrapServers(), 2, target);

    CliRunner.Result r = restore(target);
    BadInputTest.assertOneClearError(
        r,
        2,
        "target topic "
            + target
            + " refuses records older than message.timestamp.before.max.ms=3600000 ms allows,"
            + " and the snapshot has a record from ");
    assertThat(r.err())
        .contains(
            "set message.timestamp.before.max.ms="
                + MAX
                + " on topic "
                + target
                + " for the restore");
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetSpec> ends =
          Map.of(
              new TopicPartition(target, 0), OffsetSpec.latest(),
              new TopicPartition(target, 1), OffsetSpec.latest());
      assertThat(admin.listOffsets(ends).all().get().values())
          .allSatisfy(i -> assertThat(i.offset()).isZero());
    }
  }

  private static CliRunner.Result restore(String target) {
    return CliRunner.run(
        "restore",
        "--repo",
        repo,
        "-b",
        kafka.bootstrapServers(),
        "--topic-map",
        SOURCE + "=" + target,
        "--data-only");
  }

  private static Admin admin() {
    return Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()));
  }
}

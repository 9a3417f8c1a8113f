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
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source topic with a size retention its zstd-compressed records fit in: a restore compresses by
 * default, so the backed-up retention.bytes deletes nothing and is set; restored uncompressed, the
 * records would not fit, so the topic keeps retention.bytes=-1 and says so. Either way every record
 * is still there after the broker's retention check has run (every 500 ms here).
 */
class RetentionBytesRestoreTest {

  static final String SOURCE = "sized-events";
  static final String RETENTION = Long.toString(3L << 20);
  static final int RECORDS = 20_000;

  @TempDir static Path dir;
  static LocalKafka kafka;
  static String repo;
  static List<TopicContents.Entry> source;

  @BeforeAll
  static void backUpCompressedRecords() throws Exception {
    kafka =
        LocalKafka.start(
            dir.resolve("kafka"),
            Map.of("log.retention.check.interval.ms", "500", "log.initial.task.delay.ms", "0"));
    try (Admin admin = admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(SOURCE, 1, (short) 1)
                      .configs(Map.of("retention.bytes", RETENTION, "segment.bytes", "1048576"))))
          .all()
          .get();
    }
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      String value = "{\"seq\":" + i + ",\"payload\":\"" + "z".repeat(500) + "\"}";
      records.add(
          new ProducerRecord<>(
              SOURCE,
              0,
              ("k" + i).getBytes(StandardCharsets.UTF_8),
              value.getBytes(StandardCharsets.UTF_8)));
    }
    try (KafkaProducer<byte[], byte[]> producer =
        TestTopics.producer(
            kafka.bootstrapServers(), "compression.type", "zstd", "linger.ms", "20")) {
      TestTopics.sendAll(producer, records);
    }
    repo = dir.resolve("repo").toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
    CliRunner.Result backup =
        CliRunner.run("backup", "--repo", repo, "-b", kafka.bootstrapServers());
    assertThat(backup.exitCode()).as(backup.err()).isZero();
    source = TopicContents.read(kafka.bootstrapServers(), SOURCE);
    assertThat(source).hasSize(RECORDS);
  }

  @AfterAll
  static void stopBroker() {
    kafka.stop();
  }

  @Test
  void restoredCompressedTheRecordsFitAndTheBackedUpRetentionBytesIsSet() throws Exception {
    String target = "sized-compressed";
    CliRunner.Result r = restore(target);
    assertThat(r.exitCode()).as(r.err()).isZero();
    Thread.sleep(2_000);
    List<TopicContents.Entry> restored = TopicContents.read(kafka.bootstrapServers(), target);
    assertThat(restored).hasSize(RECORDS);
    assertThat(restored).isEqualTo(source);
    assertThat(r.out())
        .contains(
            "note: topic "
                + target
                + ": backed-up configs applied after the data: retention.bytes="
                + RETENTION);
    assertThat(sizeOnDisk(target)).isLessThan(1L << 20);
    assertThat(config(target, "retention.bytes")).isEqualTo(RETENTION);
  }

  @Test
  void restoredUncompressedTheRecordsWouldNotFitAndTheTopicKeepsNoSizeRetention() throws Exception {
    String target = "sized-plain";
    CliRunner.Result r = restore(target, "--compression", "none");
    assertThat(r.exitCode()).as(r.err()).isZero();
    long size = sizeOnDisk(target);
    assertThat(size).isGreaterThan(3L << 20);
    assertThat(r.out())
        .contains(
            "note: topic "
                + target
                + " keeps retention.bytes=-1 so that restored records are not deleted by size"
                + " retention; the backed-up retention.bytes="
                + RETENTION
                + " is less than the "
                + size
                + " bytes partition "
                + target
                + "-0 takes on disk");
    assertThat(config(target, "retention.bytes")).isEqualTo("-1");
    Thread.sleep(2_000);
    List<TopicContents.Entry> restored = TopicContents.read(kafka.bootstrapServers(), target);
    assertThat(restored).hasSize(RECORDS);
    assertThat(restored).isEqualTo(source);
  }

  @Test
  void anUnknownCompressionIsExit2() {
    BadInputTest.assertOneClearError(
        restore("sized-never", "--compression", "brotli"),
        2,
        "--compression must be none, gzip, snappy, lz4 or zstd, not brotli");
  }

  private static CliRunner.Result restore(String target, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "restore",
                "--repo",
                repo,
                "-b",
                kafka.bootstrapServers(),
                "--topic-map",
                SOURCE + "=" + target,
                "--data-only"));
    args.addAll(List.of(more));
    return CliRunner.run(args.toArray(String[]::new));
  }

  private static String config(String topic, String key) throws Exception {
    try (Admin admin = admin()) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      return config.get(key).value();
    }
  }

  private static long sizeOnDisk(String topic) throws Exception {
    try (Admin admin = admin()) {
      long size = 0;
      for (Map<String, LogDirDescription> broker :
          admin.describeLogDirs(List.of(1)).allDescriptions().get().values()) {
        for (LogDirDescription d : broker.values()) {
          var info = d.replicaInfos().get(new TopicPartition(topic, 0));
          size += info == null ? 0 : info.size();
        }
      }
      return size;
    }
  }

  private static Admin admin() {
    return Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()));
  }
}

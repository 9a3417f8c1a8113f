package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target that refuses a record in the middle of a partition (a compacted topic refuses a record
 * without a key) keeps exactly the records before it; the resumed restore checks what the target
 * holds before it skips anything, and refuses a target that holds anything else.
 */
class RefusedRecordResumeTest {

  static final String SOURCE = "refused-source";
  static final String GROUP = "refused-readers";
  static final long GROUP_OFFSET = 30_050;

  @TempDir static Path dir;
  static String bootstrap;
  static String repo;
  static List<TopicContents.Entry> source;

  @BeforeAll
  static void backUpKeyedNullKeyedRecords() throws Exception {
    bootstrap = SharedKafka.primary().bootstrapServers();
    TestTopics.create(bootstrap, 1, SOURCE);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 40_100; i++) {
      int keyed = i < 20_000 ? i : i - 100;
      byte[] key =
          i >= 20_000 && i < 20_100 ? null : ("k" + keyed).getBytes(StandardCharsets.UTF_8);
      String value = "{\"seq\":" + i + ",\"payload\":\"" + "v".repeat(100 + i % 37) + "\"}";
      records.add(
          new ProducerRecord<>(
              SOURCE, 0, 1_700_000_000_000L + i, key, value.getBytes(StandardCharsets.UTF_8)));
    }
    try (KafkaProducer<byte[], byte[]> producer =
        TestTopics.producer(bootstrap, "linger.ms", "20", "batch.size", "262144")) {
      TestTopics.sendAll(producer, records);
    }
    try (Admin admin = admin()) {
      admin
          .alterConsumerGroupOffsets(
              GROUP, Map.of(new TopicPartition(SOURCE, 0), new OffsetAndMetadata(GROUP_OFFSET)))
          .all()
          .get();
    }
    repo = dir.resolve("repo").toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
    CliRunner.Result backup =
        CliRunner.run("backup", "--repo", repo, "-b", bootstrap, "--topics", SOURCE);
    assertThat(backup.exitCode()).as(backup.err()).isZero();
    source = TopicContents.read(bootstrap, SOURCE);
    assertThat(source).hasSize(40_100);
  }

  @Test
  void aRefusedRecordLeavesAPrefixAndTheResumeAfterTheFixRestoresEveryRecordOnce()
      throws Exception {
    String target = "refused-fixed";
    createCompacted(target);

    CliRunner.Result refused = restore(target);
    BadInputTest.assertOneClearError(refused, 1, "target partition " + target + "-0 refused");
    List<TopicContents.Entry> prefix = TopicContents.read(bootstrap, target);
    assertThat(prefix.size()).isLessThanOrEqualTo(20_000);
    assertThat(prefix).isEqualTo(source.subList(0, prefix.size()));

    setCleanupPolicy(target, "delete");
    CliRunner.Result resumed = restore(target);
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(resumed.out())
        .contains("restored " + (40_100 - prefix.size()) + " records (")
        .contains(prefix.size() + " were already restored by an earlier run");
    assertThat(TopicContents.read(bootstrap, target)).isEqualTo(source);
    try (Admin admin = admin()) {
      assertThat(
              admin
                  .listConsumerGroupOffsets(GROUP)
                  .partitionsToOffsetAndMetadata()
                  .get()
                  .get(new TopicPartition(target, 0))
                  .offset())
          .isEqualTo(GROUP_OFFSET);
    }
  }

  @Test
  void aResumeRefusesATargetThatHoldsAForeignRecordAndWritesNothing() throws Exception {
    String target = "refused-foreign";
    createCompacted(target);
    assertThat(restore(target).exitCode()).isEqualTo(1);
    long prefix = TopicContents.read(bootstrap, target).size();
    setCleanupPolicy(target, "delete");
    try (KafkaProducer<byte[], byte[]> producer = TestTopics.producer(bootstrap)) {
      TestTopics.sendAll(
          producer,
          List.of(
              new ProducerRecord<>(
                  target,
                  0,
                  "intruder".getBytes(StandardCharsets.UTF_8),
                  "x".getBytes(StandardCharsets.UTF_8))));
    }

    CliRunner.Result refused = restore(target);
    BadInputTest.assertOneClearError(
        refused,
        1,
        "target partition "
            + target
            + "-0 does not hold what an earlier run of this restore wrote: at offset "
            + prefix
            + ", in place of source offset "
            + prefix
            + ", the key differs; nothing more was written");
    assertThat(refused.err()).contains("--topic-map " + SOURCE + "=NEW_NAME");
    assertThat(endOffset(target)).isEqualTo(prefix + 1);
  }

  private static CliRunner.Result restore(String target) {
    return CliRunner.run(
        "restore",
        "--repo",
        repo,
        "-b",
        bootstrap,
        "--topics",
        SOURCE,
        "--topic-map",
        SOURCE + "=" + target,
        "--groups",
        GROUP);
  }

  private static void createCompacted(String topic) throws Exception {
    try (Admin admin = admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get();
    }
  }

  private static void setCleanupPolicy(String topic, String policy) throws Exception {
    try (Admin admin = admin()) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, topic),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("cleanup.policy", policy), AlterConfigOp.OpType.SET))))
          .all()
          .get();
    }
  }

  private static long endOffset(String topic) throws Exception {
    try (Admin admin = admin()) {
      TopicPartition tp = new TopicPartition(topic, 0);
      return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
    }
  }

  private static Admin admin() {
    return Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap));
  }
}

package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandsTest {

  static LocalKafka kafka;
  @TempDir static Path dir;
  static String repo;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void backUpTheSampleTopics() throws Exception {
    kafka = SharedKafka.primary();
    SampleTopics.write(kafka.bootstrapServers(), "cmd-", 10);
    repo = dir.resolve("repo").toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
    CliRunner.Result backup =
        CliRunner.run(
            "backup",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            "cmd-.*",
            "--json");
    assertThat(backup.exitCode()).as(backup.err()).isZero();
    JsonNode summary = backup.summary();
    assertThat(summary.get("records").asLong()).isEqualTo(30 + 20 + 30);
    assertThat(summary.get("topics").asInt()).isEqualTo(3);
  }

  @Test
  void catPrintsEveryRecordAsJsonWithBase64ForBinaryAndNullsKept() throws Exception {
    CliRunner.Result r =
        CliRunner.run("cat", "--repo", repo, "--topics", "cmd-orders", "--partition", "1");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : r.out().split("\n")) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines).hasSize(10);
    assertThat(lines.stream().map(n -> n.get("offset").asLong()).toList())
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    JsonNode first = lines.get(0);
    assertThat(first.get("topic").asText()).isEqualTo("cmd-orders");
    assertThat(first.get("partition").asInt()).isEqualTo(1);
    assertThat(first.get("timestamp").asLong()).isEqualTo(1_600_000_000_000L);
    assertThat(first.get("timestampType").asText()).isEqualTo("CreateTime");
    assertThat(first.get("key").asText()).isEqualTo("customer-0");
    assertThat(first.get("headers").toString())
        .isEqualTo(
            "[{\"key\":\"trace-id\",\"value\":\"trace-1-0\"},{\"key\":\"tag\",\"value\":\"first\"},"
                + "{\"key\":\"tag\",\"value\":\"second\"},{\"key\":\"nothing\",\"value\":null},{\"key\":\"empty\",\"value\":\"\"}]");
    assertThat(lines.get(3).get("key").isNull()).isTrue();
    assertThat(lines.get(4).get("key").asText()).isEmpty();
    assertThat(lines.get(4).get("value").asText()).isEmpty();
    assertThat(lines.get(7).get("value").isNull()).isTrue();
    assertThat(lines.get(8).get("keyEncoding").asText()).isEqualTo("base64");
    assertThat(Base64.getDecoder().decode(lines.get(8).get("key").asText()))
        .containsExactly(0, 0xFF, 0x7F, 0x80);
    assertThat(Base64.getDecoder().decode(lines.get(8).get("value").asText()))
        .containsExactly(0xC3, 0x28, 0, 1);
  }

  @Test
  void catShowsLogAppendTimeAndTransactionGaps() throws Exception {
    CliRunner.Result audit =
        CliRunner.run("cat", "--repo", repo, "--topics", "cmd-audit", "--limit", "1");
    assertThat(JSON.readTree(audit.out()).get("timestampType").asText()).isEqualTo("LogAppendTime");
    CliRunner.Result payments =
        CliRunner.run("cat", "--repo", repo, "--topics", "cmd-payments", "--partition", "0");
    List<Long> offsets =
        payments
            .out()
            .lines()
            .map(
                l -> {
                  try {
                    return JSON.readTree(l).get("offset").asLong();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .toList();
    // committed transactions 0, 2 and 3; each transaction ends with a marker; 1 was aborted
    assertThat(offsets)
        .containsExactly(0L, 1L, 2L, 3L, 4L, 12L, 13L, 14L, 15L, 16L, 18L, 19L, 20L, 21L, 22L);
  }

  @Test
  void snapshotsListsTheSnapshotAsATableAndAsJson() throws Exception {
    CliRunner.Result table = CliRunner.run("snapshots", "--repo", repo);
    assertThat(table.exitCode()).isZero();
    List<String> lines = table.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("ID").contains("RECORDS");
    assertThat(lines.get(1)).contains(" 80 ");
    CliRunner.Result json = CliRunner.run("snapshots", "--repo", repo, "--json");
    JsonNode s = JSON.readTree(json.out());
    assertThat(s.get("type").asText()).isEqualTo("snapshot");
    assertThat(s.get("records").asLong()).isEqualTo(80);
    assertThat(s.get("topics").toString())
        .isEqualTo("[\"cmd-audit\",\"cmd-orders\",\"cmd-payments\"]");
  }

  @Test
  void dryRunPrintsThePlanAndChangesNothing() throws Exception {
    CliRunner.Result r =
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            "cmd-.*",
            "--topic-map",
            "cmd-orders=dry-orders,cmd-payments=dry-payments,cmd-audit=dry-audit",
            "--dry-run");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("would create topic dry-orders")
        .contains("would restore 80 records");
    assertThat(r.out()).contains("cmd-payments-0").contains("dry-payments-0 (new)");
    try (var admin =
        org.apache.kafka.clients.admin.Admin.create(
            java.util.Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      assertThat(admin.listTopics().names().get()).noneMatch(t -> t.startsWith("dry-"));
    }
  }

  @Test
  void showPrintsTopicsConfigsAndGroups() throws Exception {
    try (var admin =
        org.apache.kafka.clients.admin.Admin.create(
            java.util.Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin
          .alterConsumerGroupOffsets(
              "cmd-readers",
              java.util.Map.of(
                  new org.apache.kafka.common.TopicPartition("cmd-orders", 1),
                  new org.apache.kafka.clients.consumer.OffsetAndMetadata(7)))
          .all()
          .get();
    }
    String another = dir.resolve("show-repo").toString();
    assertThat(CliRunner.run("init", "--repo", another).exitCode()).isZero();
    assertThat(
            CliRunner.run(
                    "backup",
                    "--repo",
                    another,
                    "-b",
                    kafka.bootstrapServers(),
                    "--topics",
                    "cmd-.*")
                .exitCode())
        .isZero();

    CliRunner.Result r = CliRunner.run("show", "--repo", another);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("records     80 in 6 partitions");
    assertThat(r.out().lines().filter(l -> l.startsWith("cmd-orders")).findFirst().orElseThrow())
        .contains("3")
        .contains("30")
        .contains("retention.ms=604800000");
    assertThat(r.out().lines().filter(l -> l.startsWith("cmd-audit")).findFirst().orElseThrow())
        .contains("message.timestamp.type=LogAppendTime");
    assertThat(r.out()).containsPattern("cmd-readers\\s+Empty\\s+cmd-orders-1@7");

    JsonNode manifest = JSON.readTree(CliRunner.run("show", "--repo", another, "--json").out());
    assertThat(manifest.get("groups").findValuesAsText("groupId"))
        .containsExactly("cmd-order-readers", "cmd-readers");
    assertThat(manifest.get("topics").size()).isEqualTo(3);
  }

  @Test
  void restoreOverridesTheConfigsAndReplicationOfCreatedTopics() throws Exception {
    CliRunner.Result r =
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            "cmd-orders",
            "--topic-map",
            "cmd-orders=ovr-orders",
            "--replication-factor",
            "1",
            "--config",
            "max.message.bytes=2097152",
            "--config",
            "retention.ms=86400000",
            "--data-only");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("restored 30 records").doesNotContain("consumer group");
    assertThat(r.out()).doesNotContain("backed-up configs not applied");
    try (var admin =
        org.apache.kafka.clients.admin.Admin.create(
            java.util.Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      var resource =
          new org.apache.kafka.common.config.ConfigResource(
              org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "ovr-orders");
      var config = admin.describeConfigs(java.util.List.of(resource)).all().get().get(resource);
      assertThat(config.get("max.message.bytes").value()).isEqualTo("2097152");
      assertThat(config.get("retention.ms").value()).isEqualTo("86400000");
      assertThat(config.get("message.timestamp.type").value()).isEqualTo("CreateTime");
      var partitions =
          admin
              .describeTopics(java.util.List.of("ovr-orders"))
              .allTopicNames()
              .get()
              .get("ovr-orders")
              .partitions();
      assertThat(partitions).hasSize(3).allMatch(p -> p.replicas().size() == 1);
    }
  }

  @Test
  void diffShowsWhatChangedBetweenTwoSnapshots() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    String diffRepo = dir.resolve("diff-repo").toString();
    try (var admin =
        org.apache.kafka.clients.admin.Admin.create(
            java.util.Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      admin
          .createTopics(
              java.util.List.of(
                  new org.apache.kafka.clients.admin.NewTopic("diff-topic", 1, (short) 1)
                      .configs(java.util.Map.of("retention.ms", "1000000"))))
          .all()
          .get();
    }
    assertThat(CliRunner.run("init", "--repo", diffRepo).exitCode()).isZero();
    assertThat(
            CliRunner.run("backup", "--repo", diffRepo, "-b", bootstrap, "--topics", "diff-topic")
                .exitCode())
        .isZero();
    String first =
        JSON.readTree(CliRunner.run("snapshots", "--repo", diffRepo, "--json").out())
            .get("id")
            .asText();
    assertThat(CliRunner.run("diff", "--repo", diffRepo, first, "latest").out())
        .isEqualTo("no differences\n");

    try (var admin =
            org.apache.kafka.clients.admin.Admin.create(
                java.util.Map.<String, Object>of("bootstrap.servers", bootstrap));
        var producer =
            new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
                java.util.Map.<String, Object>of("bootstrap.servers", bootstrap),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      producer
          .send(
              new org.apache.kafka.clients.producer.ProducerRecord<>(
                  "diff-topic", 0, null, "a".getBytes()))
          .get();
      producer
          .send(
              new org.apache.kafka.clients.producer.ProducerRecord<>(
                  "diff-topic", 0, null, "b".getBytes()))
          .get();
      var resource =
          new org.apache.kafka.common.config.ConfigResource(
              org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "diff-topic");
      admin
          .incrementalAlterConfigs(
              java.util.Map.of(
                  resource,
                  java.util.List.of(
                      new org.apache.kafka.clients.admin.AlterConfigOp(
                          new org.apache.kafka.clients.admin.ConfigEntry("retention.ms", "2000000"),
                          org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
          .all()
          .get();
      admin
          .alterConsumerGroupOffsets(
              "diff-readers",
              java.util.Map.of(
                  new org.apache.kafka.common.TopicPartition("diff-topic", 0),
                  new org.apache.kafka.clients.consumer.OffsetAndMetadata(1)))
          .all()
          .get();
    }
    assertThat(
            CliRunner.run("backup", "--repo", diffRepo, "-b", bootstrap, "--topics", "diff-topic")
                .exitCode())
        .isZero();
    CliRunner.Result diff = CliRunner.run("diff", "--repo", diffRepo, first, "latest");
    assertThat(diff.exitCode()).as(diff.err()).isZero();
    assertThat(diff.out().lines().toList())
        .containsExactly(
            "~ topic diff-topic config retention.ms: 1000000 -> 2000000",
            "~ topic diff-topic offsets partition 0: 0..0 (0 records) -> 0..2 (2 records)",
            "+ group diff-readers",
            "+ group diff-readers offset diff-topic-0=1");
  }

  @Test
  void filesGivenWithABackupAreKeptVerbatim() throws Exception {
    java.nio.file.Path properties = dir.resolve("server.properties");
    String text = "node.id=1\nlisteners=PLAINTEXT://10.0.0.1:9092\n# a comment, kept\n";
    java.nio.file.Files.writeString(properties, text);
    String filesRepo = dir.resolve("files-repo").toString();
    assertThat(CliRunner.run("init", "--repo", filesRepo).exitCode()).isZero();
    CliRunner.Result backup =
        CliRunner.run(
            "backup",
            "--repo",
            filesRepo,
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            "cmd-audit",
            "--include-file",
            properties.toString());
    assertThat(backup.exitCode()).as(backup.err()).isZero();
    assertThat(CliRunner.run("show", "--repo", filesRepo).out())
        .contains("file        server.properties (" + text.length() + " bytes)");
    assertThat(CliRunner.run("show", "--repo", filesRepo, "--file", "server.properties").out())
        .isEqualTo(text);
    CliRunner.Result missing =
        CliRunner.run(
            "backup",
            "--repo",
            filesRepo,
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            "cmd-audit",
            "--include-file",
            dir.resolve("nope.properties").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err())
        .startsWith(
            "kbackup: error: --include-file " + dir.resolve("nope.properties") + " does not exist");
  }

  @Test
  void aGroupActiveInTheTargetIsLeftAloneAndTheRestoreEndsAsPartial() throws Exception {
    var props = new java.util.Properties();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    props.put("group.id", "cmd-order-readers");
    try (var active =
        new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
            props,
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      active.subscribe(java.util.List.of("cmd-audit"));
      java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
      while (active.assignment().isEmpty() && java.time.Instant.now().isBefore(deadline)) {
        active.poll(java.time.Duration.ofMillis(100));
      }
      CliRunner.Result r =
          CliRunner.run(
              "restore",
              "--repo",
              repo,
              "-b",
              kafka.bootstrapServers(),
              "--topics",
              "cmd-orders",
              "--topic-map",
              "cmd-orders=busy-orders");
      assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
      assertThat(r.out())
          .contains("restored 30 records")
          .contains(
              "note: consumer group cmd-order-readers was not changed: 1 active members in the target;"
                  + " stop its consumers and run the same restore again with --groups 'cmd-order-readers'");
    }
  }

  @Test
  void anLz4RepositoryRestoresExactly() throws Exception {
    String lz4 = dir.resolve("lz4-repo").toString();
    assertThat(CliRunner.run("init", "--repo", lz4, "--compression", "lz4").exitCode()).isZero();
    assertThat(java.nio.file.Files.readString(Path.of(lz4, "config.json"))).contains("\"lz4\"");
    String b = kafka.bootstrapServers();
    assertThat(CliRunner.run("backup", "--repo", lz4, "-b", b, "--topics", "cmd-orders").exitCode())
        .isZero();
    CliRunner.Result restore =
        CliRunner.run(
            "restore",
            "--repo",
            lz4,
            "-b",
            b,
            "--topic-map",
            "cmd-orders=cmd-orders-lz4",
            "--data-only");
    assertThat(restore.exitCode()).as(restore.err()).isZero();
    assertThat(io.kbackup.localkafka.TopicContents.read(b, "cmd-orders-lz4"))
        .isEqualTo(io.kbackup.localkafka.TopicContents.read(b, "cmd-orders"));
    BadInputTest.assertOneClearError(
        CliRunner.run(
            "init",
            "--repo",
            dir.resolve("lz4-bad").toString(),
            "--compression",
            "lz4",
            "--compression-level",
            "30"),
        2,
        "--compression-level 30 does not suit lz4");
  }

  @Test
  void quietJsonErrorsAndALogFile() throws Exception {
    String b = kafka.bootstrapServers();
    Path log = dir.resolve("kbackup.log");
    CliRunner.Result quiet =
        CliRunner.run(
            "backup",
            "--repo",
            repo,
            "-b",
            b,
            "--topics",
            "cmd-audit",
            "--quiet",
            "--log-file",
            log.toString());
    assertThat(quiet.exitCode()).as(quiet.err()).isZero();
    assertThat(quiet.out()).isEmpty();
    assertThat(java.nio.file.Files.readAllLines(log))
        .anyMatch(
            l ->
                l.matches(
                    "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO .*committed snapshot \\S+"));

    CliRunner.Result error =
        CliRunner.run("snapshots", "--repo", dir.resolve("nowhere").toString(), "--json");
    assertThat(error.exitCode()).isEqualTo(10);
    JsonNode e = JSON.readTree(error.err());
    assertThat(e.get("type").asText()).isEqualTo("error");
    assertThat(e.get("exitCode").asInt()).isEqualTo(10);
    assertThat(e.get("error").asText()).startsWith("no kbackup repository at ");
    assertThat(e.get("hint").asText()).startsWith("check --repo");
    assertThat(error.err().lines().count()).isEqualTo(1);
  }
}

package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.TopicContents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore resumed on a target partition with three replicas, whose leader holds records of the
 * interrupted run that the followers have not copied yet (they are paused): the high watermark is
 * below them, and the resume must not send them again. It waits until the replicas agree, then
 * restores every record once.
 */
class ReplicatedResumeTest {

  static final String SOURCE = "rf-source";
  static final String TARGET = "rf-target";
  static final int RECORDS = 3000;
  static final int ACKED = 1000;
  static final int UNREPLICATED = 1500;

  @Test
  void aResumeWaitsForRecordsTheFollowersHaveNotCopiedYetAndSendsThemOnce(@TempDir Path dir)
      throws Exception {
    try (LocalKafka kafka = LocalKafka.start(dir.resolve("k1"));
        LocalKafka second = kafka.addBroker(dir.resolve("k2"), 2);
        LocalKafka third = kafka.addBroker(dir.resolve("k3"), 3)) {
      run(kafka, List.of(second, third), dir);
    }
  }

  private void run(LocalKafka kafka, List<LocalKafka> followers, Path dir) throws Exception {
    String b = kafka.bootstrapServers();
    List<ProducerRecord<byte[], byte[]>> source = new ArrayList<>();
    List<ProducerRecord<byte[], byte[]>> target = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
      byte[] value = ("v" + i).getBytes(StandardCharsets.UTF_8);
      source.add(new ProducerRecord<>(SOURCE, 0, 1_700_000_000_000L + i, key, value));
      target.add(new ProducerRecord<>(TARGET, 0, 1_700_000_000_000L + i, key, value));
    }
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", b))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(SOURCE, Map.of(0, List.of(1))),
                  new NewTopic(TARGET, Map.of(0, List.of(1, 2, 3)))))
          .all()
          .get();
    }
    try (KafkaProducer<byte[], byte[]> producer = TestTopics.producer(b)) {
      TestTopics.sendAll(producer, source);
    }
    String repo = dir.resolve("repo").toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
    assertThat(CliRunner.run("backup", "--repo", repo, "-b", b).exitCode()).isZero();
    // the restore begins: its state names where the target partition began
    CliRunner.Result begun = restore(repo, b, "--metadata-only");
    assertThat(begun.exitCode()).as(begun.err()).isZero();

    // what the interrupted run left: records every replica has, then records only the leader has
    try (KafkaProducer<byte[], byte[]> producer = TestTopics.producer(b)) {
      TestTopics.sendAll(producer, target.subList(0, ACKED));
    }
    followers.forEach(f -> signal(f, "STOP"));
    CliRunner.Result resumed;
    try {
      try (KafkaProducer<byte[], byte[]> leaderOnly =
          TestTopics.producer(b, "acks", "1", "enable.idempotence", "false")) {
        for (ProducerRecord<byte[], byte[]> r : target.subList(ACKED, UNREPLICATED)) {
          leaderOnly.send(r).get(30, TimeUnit.SECONDS);
        }
      }
      CompletableFuture<CliRunner.Result> resume =
          CompletableFuture.supplyAsync(() -> restore(repo, b, "--data-only"));
      Thread.sleep(2_500);
      followers.forEach(f -> signal(f, "CONT"));
      resumed = resume.get(120, TimeUnit.SECONDS);
    } finally {
      followers.forEach(f -> signal(f, "CONT"));
    }

    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(resumed.out())
        .contains("restored " + (RECORDS - UNREPLICATED) + " records (")
        .contains(UNREPLICATED + " were already restored by an earlier run");
    List<TopicContents.Entry> restored = TopicContents.read(b, TARGET);
    assertThat(restored).hasSize(RECORDS);
    assertThat(restored).isEqualTo(TopicContents.read(b, SOURCE));
  }

  private static CliRunner.Result restore(String repo, String bootstrap, String mode) {
    return CliRunner.run(
        "restore",
        "--repo",
        repo,
        "-b",
        bootstrap,
        "--topics",
        SOURCE,
        "--topic-map",
        SOURCE + "=" + TARGET,
        mode);
  }

  private static String commandLine(ProcessHandle p) {
    try {
      return java.nio.file.Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /** Pauses or continues a broker's process, found by its data directory. */
  private static void signal(LocalKafka broker, String signal) {
    String properties = broker.directory().resolve("server.properties").toAbsolutePath().toString();
    Optional<ProcessHandle> process =
        ProcessHandle.current()
            .descendants()
            .filter(p -> commandLine(p).contains(properties))
            .findFirst();
    assertThat(process).as("the process of broker " + properties).isPresent();
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(process.get().pid())).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(kill.exitValue()).isZero();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

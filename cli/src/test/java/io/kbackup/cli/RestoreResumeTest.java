package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.TopicContents;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore process killed with SIGKILL at random points, four times, and run again leaves each
 * record exactly once, in order. {@code -Dkbackup.killSeed=S} repeats a run.
 */
class RestoreResumeTest {

  static final int PARTITIONS = 3;
  static final int PER_PARTITION = 60_000;

  @Test
  void aRestoreKilledFourTimesAtRandomPointsDeliversEveryRecordExactlyOnce(@TempDir Path dir)
      throws Exception {
    // its own broker: restores killed mid-flight should not leave state other tests meet
    try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"))) {
      run(kafka, dir);
    }
  }

  private void run(LocalKafka kafka, Path dir) throws Exception {
    String source = "resume-source";
    String target = "resume-target";
    try (Admin admin =
        Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(source, PARTITIONS, (short) 1))).all().get();
    }
    try (KafkaProducer<byte[], byte[]> producer =
        TestTopics.producer(kafka.bootstrapServers(), "linger.ms", "20", "batch.size", "262144")) {
      for (int i = 0; i < PER_PARTITION; i++) {
        for (int part = 0; part < PARTITIONS; part++) {
          String value =
              "{\"partition\":"
                  + part
                  + ",\"seq\":"
                  + i
                  + ",\"payload\":\""
                  + "x".repeat(200 + i % 50)
                  + "\"}";
          producer.send(
              new ProducerRecord<>(source, part, ("key-" + i % 1000).getBytes(), value.getBytes()));
        }
      }
    }
    String repo = dir.resolve("repo").toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
    assertThat(
            CliRunner.run(
                    "backup", "--repo", repo, "-b", kafka.bootstrapServers(), "--topics", source)
                .exitCode())
        .isZero();
    long total = (long) PARTITIONS * PER_PARTITION;

    long seed = Long.getLong("kbackup.killSeed", System.nanoTime());
    System.out.println("RestoreResumeTest: -Dkbackup.killSeed=" + seed);
    java.util.Random random = new java.util.Random(seed);
    List<Long> killedAt = new ArrayList<>();
    // a point below what an earlier run restored kills the next run as it starts
    for (int kill = 0; kill < 4; kill++) {
      // a restore runs the last third of the topic in well under a poll's time: kill before that
      double fraction = 0.05 + random.nextDouble() * 0.6;
      Process restore =
          startRestore(
              repo,
              kafka.bootstrapServers(),
              source,
              target,
              dir.resolve("restore-" + fraction + ".log"));
      long seen =
          waitUntilTargetHolds(
              kafka.bootstrapServers(), target, (long) (total * fraction), restore);
      restore.destroyForcibly();
      assertThat(restore.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long after = targetRecords(kafka.bootstrapServers(), target);
      assertThat(after).as("killed before the restore finished").isLessThan(total);
      assertThat(after).isGreaterThanOrEqualTo(seen);
      killedAt.add(after);
    }
    assertThat(killedAt).as("seed " + seed).hasSize(4);

    CliRunner.Result last =
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            source,
            "--topic-map",
            source + "=" + target);
    assertThat(last.exitCode()).as(last.err()).isZero();
    assertThat(last.out()).contains("were already restored by an earlier run");
    // the first run created the topic; the last one still knows to finish setting it up
    assertThat(last.out())
        .contains(
            "note: topic "
                + target
                + " keeps retention.ms=-1 so that restored records are not deleted");
    assertThat(TopicContents.read(kafka.bootstrapServers(), target))
        .isEqualTo(TopicContents.read(kafka.bootstrapServers(), source));
  }

  private static Process startRestore(
      String repo, String bootstrap, String source, String target, Path log) throws Exception {
    return CliRunner.start(
        log,
        "restore",
        "--repo",
        repo,
        "-b",
        bootstrap,
        "--topics",
        source,
        "--topic-map",
        source + "=" + target,
        "--parallelism",
        "3");
  }

  private static long waitUntilTargetHolds(
      String bootstrap, String topic, long records, Process restore) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    // one client for every poll, so that the kill follows the count closely
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      while (Instant.now().isBefore(deadline)) {
        long n = targetRecords(admin, topic);
        if (n >= records) {
          return n;
        }
        assertThat(restore.isAlive()).as("the restore ended before it could be killed").isTrue();
        Thread.sleep(5);
      }
    }
    throw new AssertionError("the restore did not reach " + records + " records");
  }

  private static long targetRecords(String bootstrap, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      return targetRecords(admin, topic);
    }
  }

  private static long targetRecords(Admin admin, String topic) throws Exception {
    try {
      if (!admin.listTopics().names().get().contains(topic)) {
        return 0;
      }
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int part = 0; part < PARTITIONS; part++) {
        request.put(new TopicPartition(topic, part), OffsetSpec.latest());
      }
      return admin.listOffsets(request).all().get().values().stream()
          .mapToLong(i -> i.offset())
          .sum();
    } catch (java.util.concurrent.ExecutionException e) {
      return 0;
    }
  }
}

package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.TopicContents;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * Restores killed with SIGKILL at random points and run again: at each point a restore into a new
 * topic is killed one to three times, then resumed to its end, and the target holds each record of
 * the source exactly once, at its offset, with its key, value, headers and timestamp.
 *
 * <p>{@code -Dkbackup.killPoints=N} sets the number of points (1 by default; {@code soak/run} runs
 * 300), {@code -Dkbackup.killSeed=S} repeats a run.
 */
class RestoreKillTest {

  static final int PARTITIONS = 3;
  static final int PER_PARTITION = 40_000;

  @Test
  void restoresKilledAtRandomPointsDeliverEveryRecordExactlyOnce(@TempDir Path dir)
      throws Exception {
    KillTally tally = KillTally.start("restore", 1);
    // its own broker: restores killed mid-flight should not leave state other tests meet
    try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"))) {
      tally.run(() -> run(tally, kafka, dir));
    }
  }

  private void run(KillTally tally, LocalKafka kafka, Path dir) throws Exception {
    String source = "resume-source";
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
    List<TopicContents.Entry> expected = TopicContents.read(kafka.bootstrapServers(), source);
    assertThat(expected).hasSize((int) total);

    java.util.Random random = tally.random;
    int ranToTheEnd = 0;
    for (int point = 1; point <= tally.points; point++) {
      String context = tally.at(point);
      String target = "resume-target-" + point;
      // a point below what an earlier run restored kills the next run as it starts
      int kills = 1 + random.nextInt(3);
      for (int kill = 0; kill < kills; kill++) {
        // a restore runs the last third of the topic in well under a poll's time: kill before that
        double fraction = 0.05 + random.nextDouble() * 0.6;
        Process restore =
            startRestore(repo, kafka.bootstrapServers(), source, target, dir.resolve("kill.log"));
        long seen =
            waitUntilTargetHolds(
                kafka.bootstrapServers(), target, (long) (total * fraction), restore);
        restore.destroyForcibly();
        assertThat(restore.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long after = targetRecords(kafka.bootstrapServers(), target);
        assertThat(after).as(context).isGreaterThanOrEqualTo(seen);
        if (after > total) {
          tally.duplicate(context + ": the killed restore left " + after + " records");
        }
        if (after == total) {
          // outran the polls on a busy machine: the resume below still has to hold
          ranToTheEnd++;
        }
      }

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
      assertThat(last.exitCode()).as(context + last.err()).isZero();
      assertThat(last.out()).as(context).contains("were already restored by an earlier run");
      // the first run created the topic; the last one still knows to finish setting it up
      assertThat(last.out())
          .as(context)
          .contains(
              "note: topic "
                  + target
                  + " keeps retention.ms=-1 so that restored records are not deleted");
      assertExactlyOnce(
          tally, expected, TopicContents.read(kafka.bootstrapServers(), target), context);
      try (Admin admin =
          Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.deleteTopics(List.of(target)).all().get();
      }
      tally.pointDone();
    }
    System.out.println("RestoreKillTest: " + ranToTheEnd + " restores ended before their kill");
  }

  /** The target holds the source's records, each once, at the source's offsets. */
  static void assertExactlyOnce(
      KillTally tally,
      List<TopicContents.Entry> expected,
      List<TopicContents.Entry> target,
      String context) {
    for (int i = 0; i < Math.min(expected.size(), target.size()); i++) {
      TopicContents.Entry want = expected.get(i);
      TopicContents.Entry got = target.get(i);
      if (!got.equals(want)) {
        String where = context + ": partition " + want.partition() + " offset " + want.offset();
        if (i > 0 && got.withoutOffset().equals(expected.get(i - 1).withoutOffset())) {
          tally.duplicate(where + " holds the record before it again: " + got);
        }
        tally.loss(where + " should hold " + want + ", holds " + got);
      }
    }
    if (target.size() > expected.size()) {
      tally.duplicate(context + ": " + (target.size() - expected.size()) + " records too many");
    }
    if (target.size() < expected.size()) {
      tally.loss(context + ": " + (expected.size() - target.size()) + " records missing");
    }
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

package io.kbackup.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.backup.BackupResult;
import io.kbackup.backup.ContinuousBackup;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.repository.Repository;
import io.kbackup.restore.Restore;
import io.kbackup.restore.RestoreOptions;
import io.kbackup.restore.RestoreResult;
import io.kbackup.restore.TopicMap;
import io.kbackup.segment.Codec;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.testing.SnapshotRecords;
import io.kbackup.testing.Topics;
import io.kbackup.verify.Verifier;
import io.kbackup.verify.VerifyOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker crashes (SIGKILL) in the middle of a backup, of a restore and of a continuous backup,
 * and comes back a few seconds later: each finishes with exact data.
 */
class BrokerRestartTest {

  static final String TOPIC = "restart-seq";
  static final int PARTITIONS = 2;
  static final int PER_PARTITION = 100_000;

  @Test
  void backupAndRestoreRideOutABrokerCrash(@TempDir Path dir) throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"))) {
      String b = kafka.bootstrapServers();
      Topics.create(b, TOPIC, PARTITIONS);
      produce(b);
      Repository repo =
          Repository.init(
              new FileSystemStorage(dir.resolve("repo")),
              new SegmentSettings(Codec.ZSTD, 1, 64 << 10, 256 << 10));
      KafkaConnection connection = KafkaConnection.of(b);

      Future<BackupResult> backup =
          thread.submit(
              () ->
                  new Backup(
                          repo, connection, new BackupOptions(TopicSelector.of(TOPIC, null), false))
                      .run());
      crashAndRestartWhen(kafka, backup, () -> !list(repo, "progress/").isEmpty());
      BackupResult backedUp = backup.get(3, TimeUnit.MINUTES);
      assertThat(backedUp.recordsRead()).isEqualTo((long) PARTITIONS * PER_PARTITION);
      for (int p = 0; p < PARTITIONS; p++) {
        var records = SnapshotRecords.read(repo, backedUp.snapshot(), TOPIC, p);
        assertThat(records).hasSize(PER_PARTITION);
        for (int i = 0; i < PER_PARTITION; i += 997) {
          assertThat(records.get(i).offset()).isEqualTo(i);
          assertThat(new String(records.get(i).value(), StandardCharsets.UTF_8))
              .isEqualTo(payload(p, i));
        }
      }

      String target = TOPIC + "-restored";
      Future<RestoreResult> restore =
          thread.submit(
              () ->
                  new Restore(
                          repo,
                          connection,
                          RestoreOptions.builder()
                              .topicMap(TopicMap.parse(TOPIC + "=" + target))
                              .parallelism(2)
                              .build())
                      .run());
      long total = (long) PARTITIONS * PER_PARTITION;
      crashAndRestartWhen(kafka, restore, () -> records(b, target) > total / 5);
      restore.get(3, TimeUnit.MINUTES);
      assertThat(TopicContents.read(b, target)).isEqualTo(TopicContents.read(b, TOPIC));
    } finally {
      thread.shutdownNow();
    }
  }

  @Test
  void aContinuousBackupRidesOutABrokerCrash(@TempDir Path dir) throws Exception {
    String topic = "restart-tail";
    try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"))) {
      String b = kafka.bootstrapServers();
      Topics.create(b, topic, PARTITIONS);
      Repository repo =
          Repository.init(
              new FileSystemStorage(dir.resolve("repo")),
              new SegmentSettings(Codec.ZSTD, 1, 64 << 10, 256 << 10));
      AtomicBoolean stop = new AtomicBoolean();
      List<BackupResult> commits = new CopyOnWriteArrayList<>();
      // as the daemon runs it: a continuous backup that fails starts again
      Thread tail =
          new Thread(
              () -> {
                while (!stop.get()) {
                  try {
                    new ContinuousBackup(
                            repo,
                            KafkaConnection.of(b),
                            new BackupOptions(TopicSelector.of(topic, null), false),
                            new ContinuousBackup.Trigger(Duration.ofSeconds(1), Long.MAX_VALUE))
                        .run(stop::get, commits::add);
                  } catch (Exception e) {
                    sleep(500);
                  }
                }
              });
      tail.start();
      try {
        produce(b, topic, 0, 2000);
        awaitRecords(commits, 2L * 2000);
        kafka.kill();
        Thread.sleep(Duration.ofSeconds(2).toMillis());
        kafka.restart();
        produce(b, topic, 2000, 2000);
        awaitRecords(commits, 2L * 4000);
      } finally {
        stop.set(true);
        tail.join(TimeUnit.MINUTES.toMillis(2));
      }
      var last = commits.get(commits.size() - 1).snapshot();
      for (int p = 0; p < PARTITIONS; p++) {
        var records = SnapshotRecords.read(repo, last, topic, p);
        assertThat(records).hasSize(4000);
        for (int i = 0; i < 4000; i++) {
          assertThat(records.get(i).offset()).isEqualTo(i);
          assertThat(new String(records.get(i).value(), StandardCharsets.UTF_8))
              .isEqualTo(payload(p, i));
        }
      }
      var report = new Verifier(repo.storage()).run(new VerifyOptions(null, 2, null));
      assertThat(report.problems()).isEmpty();
      assertThat(report.snapshots()).hasSize(repo.snapshots().size());
    }
  }

  private static void awaitRecords(List<BackupResult> commits, long records) throws Exception {
    Instant deadline = Instant.now().plusSeconds(120);
    while (commits.isEmpty()
        || commits.get(commits.size() - 1).snapshot().recordCount() < records) {
      assertThat(Instant.now())
          .as("waiting for %d records in a snapshot", records)
          .isBefore(deadline);
      Thread.sleep(50);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void produce(String bootstrap, String topic, int from, int count)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = Topics.producer(bootstrap)) {
      List<Future<?>> sends = new java.util.ArrayList<>();
      for (int i = from; i < from + count; i++) {
        for (int part = 0; part < PARTITIONS; part++) {
          sends.add(
              producer.send(
                  new ProducerRecord<>(
                      topic,
                      part,
                      ("k" + i).getBytes(StandardCharsets.UTF_8),
                      payload(part, i).getBytes(StandardCharsets.UTF_8))));
        }
      }
      producer.flush();
      for (Future<?> f : sends) {
        f.get(2, TimeUnit.MINUTES);
      }
    }
  }

  /** Kills the broker once the condition holds while the work still runs; starts it again. */
  private static void crashAndRestartWhen(
      LocalKafka kafka, Future<?> work, BooleanSupplier condition) throws Exception {
    Instant deadline = Instant.now().plusSeconds(120);
    while (!condition.getAsBoolean()) {
      assertThat(work.isDone()).as("the work ended before the broker could crash").isFalse();
      assertThat(Instant.now()).isBefore(deadline);
      Thread.sleep(1);
    }
    kafka.kill();
    assertThat(work.isDone()).as("the broker crashed while the work ran").isFalse();
    Thread.sleep(Duration.ofSeconds(2).toMillis());
    kafka.restart();
  }

  private static List<?> list(Repository repo, String prefix) {
    try {
      return repo.storage().list(prefix);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long records(String bootstrap, String topic) {
    try {
      return Topics.endOffsets(bootstrap, topic, PARTITIONS).values().stream()
          .mapToLong(Long::longValue)
          .sum();
    } catch (Exception e) {
      return 0; // not created yet
    }
  }

  private static void produce(String bootstrap) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("linger.ms", "20");
    p.put("batch.size", "262144");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < PER_PARTITION; i++) {
        for (int part = 0; part < PARTITIONS; part++) {
          producer.send(
              new ProducerRecord<>(
                  TOPIC,
                  part,
                  ("k" + i).getBytes(StandardCharsets.UTF_8),
                  payload(part, i).getBytes(StandardCharsets.UTF_8)));
        }
      }
      producer.flush();
    }
  }

  /** A value that compresses little, so the data takes a while to read and write. */
  static String payload(int partition, long offset) {
    byte[] noise = new byte[300];
    new Random(partition * 1_000_003L + offset).nextBytes(noise);
    return partition + "-" + offset + "-" + Base64.getEncoder().encodeToString(noise);
  }
}

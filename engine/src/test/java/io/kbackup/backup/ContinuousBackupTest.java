package io.kbackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.Codec;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.testing.SnapshotRecords;
import io.kbackup.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContinuousBackupTest {

  static LocalKafka kafka;

  @BeforeAll
  static void broker() {
    kafka = SharedKafka.primary();
  }

  /** A continuous backup running on its own thread until stopped. */
  private static final class Running implements AutoCloseable {
    final List<BackupResult> commits = new CopyOnWriteArrayList<>();
    final List<Instant> committedAt = new CopyOnWriteArrayList<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Running(Repository repo, String topics, ContinuousBackup.Trigger trigger) {
      this(repo, topics, trigger, ContinuousBackup.CONSOLIDATE_AFTER);
    }

    Running(
        Repository repo, String topics, ContinuousBackup.Trigger trigger, int consolidateAfter) {
      ContinuousBackup backup =
          new ContinuousBackup(
              repo,
              KafkaConnection.of(kafka.bootstrapServers()),
              new BackupOptions(TopicSelector.of(topics, null), false),
              trigger,
              consolidateAfter);
      Thread t =
          new Thread(
              () -> {
                try {
                  backup.run(
                      stop::get,
                      r -> {
                        commits.add(r);
                        committedAt.add(Instant.now());
                      });
                  done.complete(null);
                } catch (Throwable e) {
                  done.completeExceptionally(e);
                }
              });
      t.start();
    }

    SnapshotManifest last() {
      return commits.get(commits.size() - 1).snapshot();
    }

    /** Waits until there are n commits. */
    void awaitCommits(int n) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (commits.size() < n) {
        if (done.isDone()) {
          done.get();
        }
        assertThat(System.nanoTime()).as("waiting for commit " + n).isLessThan(deadline);
        Thread.sleep(20);
      }
    }

    void stopAndWait() throws Exception {
      stop.set(true);
      done.get(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      stop.set(true);
    }
  }

  static Repository repository(Path dir) throws Exception {
    return Repository.init(
        new FileSystemStorage(dir), new SegmentSettings(Codec.NONE, 0, 4096, 16384));
  }

  static byte[] value(int i, int size) {
    byte[] v = new byte[size];
    byte[] s = ("v" + i + "-").getBytes(StandardCharsets.UTF_8);
    for (int j = 0; j < size; j++) {
      v[j] = s[j % s.length];
    }
    return v;
  }

  /** Every record of the partition in the snapshot, checked against what was sent. */
  static void assertHolds(Repository repo, SnapshotManifest s, String topic, List<Integer> sent)
      throws Exception {
    List<BackupRecord> records = SnapshotRecords.read(repo, s, topic, 0);
    assertThat(records).hasSize(sent.size());
    for (int i = 0; i < records.size(); i++) {
      assertThat(records.get(i).offset()).isEqualTo(i);
      assertThat(new String(records.get(i).key(), StandardCharsets.UTF_8))
          .isEqualTo("k" + sent.get(i));
    }
    assertThat(SnapshotRecords.partition(s, topic, 0).recordCount()).isEqualTo(sent.size());
  }

  @Test
  void theRecoveryPointStaysBoundedWhileProducersWriteAndEveryRecordIsKeptOnce(@TempDir Path dir)
      throws Exception {
    String topic = "continuous-time";
    Topics.create(kafka.bootstrapServers(), topic, 3);
    Repository repo = repository(dir);
    int total = 6000;
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    try (Running running =
            new Running(
                repo, topic, new ContinuousBackup.Trigger(Duration.ofSeconds(1), Long.MAX_VALUE));
        KafkaProducer<byte[], byte[]> producer = Topics.producer(kafka.bootstrapServers())) {
      running.awaitCommits(1);
      Instant producing = Instant.now();
      for (int i = 0; i < total; i++) {
        sends.add(
            producer.send(
                new ProducerRecord<>(
                    topic, i % 3, ("k" + i).getBytes(StandardCharsets.UTF_8), value(i, 200))));
        if (i % 50 == 49) {
          Thread.sleep(100); // about 8 s of writing
        }
      }
      producer.flush();
      for (Future<RecordMetadata> f : sends) {
        f.get();
      }
      Instant produced = Instant.now();
      running.stopAndWait();

      // between commits, no cut is older than the trigger plus the time a commit takes
      List<BackupResult> commits = running.commits;
      assertThat(Duration.between(producing, produced)).isGreaterThan(Duration.ofSeconds(6));
      assertThat(commits.size()).isGreaterThanOrEqualTo(6);
      Duration worst = Duration.ZERO;
      for (int i = 1; i < commits.size(); i++) {
        Instant previousCut = Instant.parse(commits.get(i - 1).snapshot().cutTime());
        Instant committed = running.committedAt.get(i);
        Duration recoveryPoint = Duration.between(previousCut, committed);
        worst = recoveryPoint.compareTo(worst) > 0 ? recoveryPoint : worst;
      }
      assertThat(worst).isLessThan(Duration.ofSeconds(3));

      // each record read from Kafka once, and the last snapshot holds every one, in order
      assertThat(commits.stream().mapToLong(BackupResult::recordsRead).sum()).isEqualTo(total);
      SnapshotManifest last = running.last();
      assertThat(last.recordCount()).isEqualTo(total);
      for (int p = 0; p < 3; p++) {
        List<BackupRecord> records = SnapshotRecords.read(repo, last, topic, p);
        assertThat(records).hasSize(total / 3);
        for (int i = 0; i < records.size(); i++) {
          assertThat(records.get(i).offset()).isEqualTo(i);
          assertThat(new String(records.get(i).key(), StandardCharsets.UTF_8))
              .isEqualTo("k" + (i * 3 + p));
        }
      }
      // every snapshot in between is exactly the records before its cut
      assertThat(repo.snapshots()).hasSize(commits.size());
      for (BackupResult r : commits) {
        SnapshotManifest s = r.snapshot();
        for (int p = 0; p < 3; p++) {
          long end = SnapshotRecords.partition(s, topic, p).endOffset();
          List<BackupRecord> records = SnapshotRecords.read(repo, s, topic, p);
          assertThat(records).hasSize((int) end);
          assertThat(SnapshotRecords.partition(s, topic, p).recordCount()).isEqualTo(end);
          if (end > 0) {
            assertThat(records.get((int) end - 1).offset()).isEqualTo(end - 1);
          }
        }
      }
    }
  }

  /** Sends records of 1000 bytes, numbered on from those sent, in one batch of the producer. */
  static void sendAtOnce(
      KafkaProducer<byte[], byte[]> producer, String topic, List<Integer> sent, int count)
      throws Exception {
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = sent.size();
      sends.add(
          producer.send(new ProducerRecord<>(topic, 0, ("k" + n).getBytes(), value(n, 1000))));
      sent.add(n);
    }
    producer.flush();
    for (Future<RecordMetadata> f : sends) {
      f.get();
    }
  }

  @Test
  void aSnapshotIsCommittedOnceEnoughBytesWereReadAndStoppingCommitsTheRest(@TempDir Path dir)
      throws Exception {
    String topic = "continuous-bytes";
    Topics.create(kafka.bootstrapServers(), topic, 1);
    Repository repo = repository(dir);
    List<Integer> sent = new ArrayList<>();
    try (Running running =
            new Running(repo, topic, new ContinuousBackup.Trigger(Duration.ofHours(1), 20_000));
        KafkaProducer<byte[], byte[]> producer =
            Topics.producer(
                kafka.bootstrapServers(), Map.of("linger.ms", "60000", "batch.size", "1000000"))) {
      running.awaitCommits(1);
      for (int burst = 1; burst <= 4; burst++) { // one batch: the backup sees it whole
        sendAtOnce(producer, topic, sent, 25);
        running.awaitCommits(1 + burst);
        assertHolds(repo, running.last(), topic, sent);
      }
      // less than the trigger: no snapshot until the backup is stopped, which commits it
      sendAtOnce(producer, topic, sent, 7);
      Thread.sleep(1500);
      assertThat(running.commits).hasSize(5);
      running.stopAndWait();
      assertThat(running.commits).hasSize(6);
      assertHolds(repo, running.last(), topic, sent);
      assertThat(repo.snapshots()).hasSize(6);
    }
  }

  @Test
  void segmentsAreJoinedInLevelsSoSnapshotsListFew(@TempDir Path dir) throws Exception {
    String topic = "continuous-consolidate";
    Topics.create(kafka.bootstrapServers(), topic, 1);
    Repository repo =
        Repository.init(
            new FileSystemStorage(dir), new SegmentSettings(Codec.NONE, 0, 4096, 4 << 20));
    List<Integer> sent = new ArrayList<>();
    try (Running running =
            new Running(repo, topic, new ContinuousBackup.Trigger(Duration.ofHours(1), 20_000), 3);
        KafkaProducer<byte[], byte[]> producer =
            Topics.producer(
                kafka.bootstrapServers(), Map.of("linger.ms", "60000", "batch.size", "1000000"))) {
      running.awaitCommits(1);
      // a plain model of the levels: each burst is one segment of level 0; three of a level
      // are joined into one of the next
      int[] levels = new int[4];
      for (int burst = 1; burst <= 10; burst++) {
        sendAtOnce(producer, topic, sent, 25);
        running.awaitCommits(1 + burst);
        assertHolds(repo, running.last(), topic, sent);
        int listedBefore = IntStream.of(levels).sum();
        levels[0]++;
        int joins = 0;
        for (int level = 0; level < 3 && levels[level] == 3; level++) {
          levels[level] = 0;
          levels[level + 1]++;
          joins++;
        }
        int segments = SnapshotRecords.partition(running.last(), topic, 0).segments().size();
        assertThat(segments).as("after burst " + burst).isEqualTo(IntStream.of(levels).sum());
        // each join replaced two segments the last snapshot listed
        assertThat(running.commits.get(burst).segmentsReused()).isEqualTo(listedBefore - 2 * joins);
      }
      // bursts 1-9 are in one segment of level 2 now, burst 10 in one of level 0
      assertThat(SnapshotRecords.partition(running.last(), topic, 0).segments())
          .extracting(SegmentInfo::recordCount)
          .containsExactly(225L, 25L);
      running.stopAndWait();
    }
    // a tail started again joins the small segments it finds with its own
    try (Running again =
            new Running(repo, topic, new ContinuousBackup.Trigger(Duration.ofHours(1), 20_000), 3);
        KafkaProducer<byte[], byte[]> producer =
            Topics.producer(
                kafka.bootstrapServers(), Map.of("linger.ms", "60000", "batch.size", "1000000"))) {
      again.awaitCommits(1);
      for (int burst = 1; burst <= 2; burst++) {
        sendAtOnce(producer, topic, sent, 25);
        again.awaitCommits(1 + burst);
        assertHolds(repo, again.last(), topic, sent);
      }
      assertThat(SnapshotRecords.partition(again.last(), topic, 0).segments())
          .extracting(SegmentInfo::recordCount)
          .containsExactly(275L, 25L);
      again.stopAndWait();
    }
    // every snapshot, with small or long segments, still holds exactly its records
    var report =
        new io.kbackup.verify.Verifier(repo.storage())
            .run(new io.kbackup.verify.VerifyOptions(null, 2, null));
    assertThat(report.snapshots()).hasSize(16);
    assertThat(report.problems()).isEmpty();
  }

  @Test
  void transactionsAreCutAtTheLastStableOffsetAndAbortedRecordsLeftOut(@TempDir Path dir)
      throws Exception {
    String topic = "continuous-tx";
    Topics.create(kafka.bootstrapServers(), topic, 1);
    Repository repo = repository(dir);
    try (Running running =
            new Running(
                repo, topic, new ContinuousBackup.Trigger(Duration.ofMillis(300), Long.MAX_VALUE));
        KafkaProducer<byte[], byte[]> producer =
            Topics.producer(
                kafka.bootstrapServers(), Map.of("transactional.id", "continuous-tx-test"))) {
      producer.initTransactions();
      running.awaitCommits(1);
      transaction(producer, topic, 0, 5, true); // offsets 0-4, marker 5
      transaction(producer, topic, 5, 3, false); // 6-8 aborted, marker 9
      producer.beginTransaction();
      for (int i = 8; i < 12; i++) {
        producer.send(new ProducerRecord<>(topic, 0, ("k" + i).getBytes(), value(i, 10)));
      }
      producer.flush(); // 10-13, still open
      int seen = running.commits.size();
      running.awaitCommits(seen + 2);
      SnapshotManifest open = running.last();
      assertThat(SnapshotRecords.partition(open, topic, 0).endOffset()).isEqualTo(10);
      assertHolds(repo, open, topic, List.of(0, 1, 2, 3, 4));
      producer.commitTransaction(); // marker 14
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (SnapshotRecords.partition(running.last(), topic, 0).endOffset() < 15) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(50);
      }
      running.stopAndWait();
      List<BackupRecord> records = SnapshotRecords.read(repo, running.last(), topic, 0);
      assertThat(records.stream().map(BackupRecord::offset))
          .containsExactly(0L, 1L, 2L, 3L, 4L, 10L, 11L, 12L, 13L);
      assertThat(records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)))
          .containsExactly("k0", "k1", "k2", "k3", "k4", "k8", "k9", "k10", "k11");
      assertThat(SnapshotRecords.partition(running.last(), topic, 0).recordCount()).isEqualTo(9);
    }
  }

  private static void transaction(
      KafkaProducer<byte[], byte[]> producer, String topic, int from, int count, boolean commit) {
    producer.beginTransaction();
    for (int i = from; i < from + count; i++) {
      producer.send(new ProducerRecord<>(topic, 0, ("k" + i).getBytes(), value(i, 10)));
    }
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.flush();
      producer.abortTransaction();
    }
  }

  @Test
  void aTopicCreatedWhileTailingIsInTheNextSnapshots(@TempDir Path dir) throws Exception {
    String topic = "continuous-new-a";
    Topics.create(kafka.bootstrapServers(), topic, 1);
    Repository repo = repository(dir);
    try (Running running =
            new Running(
                repo,
                "continuous-new-.*",
                new ContinuousBackup.Trigger(Duration.ofMillis(500), Long.MAX_VALUE));
        KafkaProducer<byte[], byte[]> producer = Topics.producer(kafka.bootstrapServers())) {
      running.awaitCommits(1);
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(topic, 0, ("k" + i).getBytes(), value(i, 10))).get();
      }
      Topics.create(kafka.bootstrapServers(), "continuous-new-b", 1);
      for (int i = 0; i < 4; i++) {
        producer
            .send(new ProducerRecord<>("continuous-new-b", 0, ("k" + i).getBytes(), value(i, 10)))
            .get();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (running.last().topics().size() < 2 || running.last().recordCount() < 14) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(50);
      }
      running.stopAndWait();
      SnapshotManifest last = running.last();
      assertHolds(repo, last, topic, List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
      assertHolds(repo, last, "continuous-new-b", List.of(0, 1, 2, 3));
    }
  }
}

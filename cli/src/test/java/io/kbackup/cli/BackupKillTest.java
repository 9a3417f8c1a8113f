package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.backup.BackupResult;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.repository.Json;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.restore.Restore;
import io.kbackup.restore.RestoreOptions;
import io.kbackup.restore.TopicMap;
import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.Codec;
import io.kbackup.segment.RecordBatch;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentReader;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.verify.Verifier;
import io.kbackup.verify.VerifyOptions;
import io.kbackup.verify.VerifyReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup processes killed with SIGKILL at random points, round after round: no half snapshot ever
 * shows, verify at level 2 finds every snapshot sound, every snapshot holds exactly the records it
 * claims, and the next backup continues after the segments the killed one had stored instead of
 * reading them again.
 *
 * <p>{@code -Dkbackup.killPoints=N} sets the number of kills (50 by default), {@code
 * -Dkbackup.killSeed=S} repeats a run.
 */
class BackupKillTest {

  static final String TOPIC = "kill-seq";
  static final int PARTITIONS = 2;
  static final int PER_ROUND = 3_000;

  final long[] next = new long[PARTITIONS];

  @Test
  void backupsKilledAtRandomPointsNeverLeaveALyingRepository(@TempDir Path dir) throws Exception {
    int points = Integer.getInteger("kbackup.killPoints", 50);
    long seed = Long.getLong("kbackup.killSeed", System.nanoTime());
    System.out.println("BackupKillTest: " + points + " kills, -Dkbackup.killSeed=" + seed);
    Random random = new Random(seed);
    try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"))) {
      String b = kafka.bootstrapServers();
      try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", b))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
      }
      Path repoDir = dir.resolve("repo");
      Repository repo =
          Repository.init(
              new FileSystemStorage(repoDir),
              new SegmentSettings(Codec.ZSTD, 1, 32 << 10, 128 << 10));

      // a first backup, run to its end, shows when a backup does its work
      produce(b);
      Instant start = Instant.now();
      Process first = startBackup(repoDir, b, dir.resolve("first.log"));
      Duration firstStored = null;
      while (first.isAlive()) {
        if (firstStored == null && !progress(repo).isEmpty()) {
          firstStored = Duration.between(start, Instant.now());
        }
        Thread.sleep(2);
      }
      Duration whole = Duration.between(start, Instant.now());
      assertThat(first.exitValue()).isZero();
      assertThat(firstStored).as("the backup recorded its progress").isNotNull();
      long from = Math.max(0, firstStored.toMillis() - 300);
      long to = whole.toMillis() + 100;

      int resumedRounds = 0;
      for (int round = 1; round <= points; round++) {
        String context = "round " + round + ", seed " + seed;
        produce(b);
        int before = repo.snapshots().size();
        SnapshotManifest last = repo.latestSnapshot().orElseThrow();
        Process killed = startBackup(repoDir, b, dir.resolve("round.log"));
        Thread.sleep(from + (long) (random.nextDouble() * (to - from)));
        killed.destroyForcibly();
        assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
        boolean committed = repo.snapshots().size() > before;
        assertThat(repo.snapshots().size()).as(context).isEqualTo(committed ? before + 1 : before);
        if (committed) {
          SnapshotManifest s = repo.latestSnapshot().orElseThrow();
          assertExact(repo, s, context);
          last = s;
        }
        List<SegmentInfo> stored = committed ? List.of() : storedByTheKilledBackup(repo);
        VerifyReport verified = new Verifier(repo.storage()).run(new VerifyOptions(null, 2, null));
        assertThat(verified.problems()).as(context).isEmpty();
        assertThat(verified.snapshots()).hasSize(repo.snapshots().size());

        BackupResult result =
            new Backup(
                    repo,
                    KafkaConnection.of(b),
                    new BackupOptions(TopicSelector.of(TOPIC, null), false))
                .run();
        long newRecords = result.snapshot().recordCount() - last.recordCount();
        long resumedRecords = stored.stream().mapToLong(SegmentInfo::recordCount).sum();
        assertThat(result.segmentsResumed()).as(context).isEqualTo(stored.size());
        assertThat(result.recordsRead()).as(context).isEqualTo(newRecords - resumedRecords);
        if (!stored.isEmpty()) {
          resumedRounds++;
        }
        assertExact(repo, result.snapshot(), context);
        assertThat(progress(repo)).as(context).isEmpty();
        assertThat(result.snapshot().recordCount()).isEqualTo(next[0] + next[1]);
      }
      System.out.println("BackupKillTest: " + resumedRounds + " rounds continued a killed backup");
      assertThat(resumedRounds).as("kills that left stored segments").isGreaterThanOrEqualTo(3);

      // every snapshot's objects are still all there, and an early one restores exactly
      List<SnapshotManifest> all = repo.snapshots();
      for (SnapshotManifest s : all) {
        for (var t : s.topics()) {
          for (PartitionSnapshot p : t.partitions()) {
            for (SegmentInfo seg : p.segments()) {
              assertThat(repo.storage().stat(seg.key()).map(ObjectInfo::size))
                  .as(s.id() + " " + seg.key())
                  .contains(seg.size());
            }
          }
        }
      }
      SnapshotManifest early = all.get(all.size() / 3);
      new Restore(
              repo,
              KafkaConnection.of(b),
              RestoreOptions.builder()
                  .snapshot(early.id())
                  .topicMap(TopicMap.parse(TOPIC + "=" + TOPIC + "-restored"))
                  .dataOnly(true)
                  .build())
          .run();
      List<TopicContents.Entry> restored = TopicContents.read(b, TOPIC + "-restored");
      assertThat(restored).hasSize((int) early.recordCount());
      for (TopicContents.Entry e : restored) {
        assertThat(e.value())
            .isEqualTo(
                Arrays.toString(
                    payload(e.partition(), e.offset()).getBytes(StandardCharsets.UTF_8)));
      }
    }
  }

  /** Each partition holds exactly the records 0 to its end offset, with their values. */
  private static void assertExact(Repository repo, SnapshotManifest s, String context)
      throws Exception {
    for (PartitionSnapshot p : s.topics().get(0).partitions()) {
      long expected = p.startOffset();
      for (SegmentInfo segment : p.segments()) {
        try (SegmentReader reader = SegmentReader.open(repo.storage(), segment, p.startOffset())) {
          for (RecordBatch batch = reader.next(); batch != null; batch = reader.next()) {
            for (BackupRecord r : batch.records()) {
              if (r.offset() < p.startOffset() || r.offset() >= p.endOffset()) {
                continue;
              }
              assertThat(r.offset()).as(context + " " + s.id()).isEqualTo(expected);
              assertThat(new String(r.value(), StandardCharsets.UTF_8))
                  .isEqualTo(payload(p.partition(), r.offset()));
              expected++;
            }
          }
        }
      }
      assertThat(expected)
          .as(context + " " + s.id() + " partition " + p.partition())
          .isEqualTo(p.endOffset());
      assertThat(p.recordCount()).isEqualTo(p.endOffset() - p.startOffset());
    }
  }

  private static List<ObjectInfo> progress(Repository repo) throws Exception {
    return repo.storage().list("progress/");
  }

  /** The segments the progress of the killed backup lists. */
  private static List<SegmentInfo> storedByTheKilledBackup(Repository repo) throws Exception {
    List<SegmentInfo> segments = new ArrayList<>();
    for (ObjectInfo o : progress(repo)) {
      var doc = Json.mapper().readTree(repo.storage().readAll(o.key()));
      for (var partition : doc.get("partitions")) {
        for (var segment : partition.get("segments")) {
          segments.add(Json.mapper().treeToValue(segment, SegmentInfo.class));
        }
      }
    }
    return segments;
  }

  private void produce(String bootstrap) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        TestTopics.producer(bootstrap, "linger.ms", "10")) {
      for (int part = 0; part < PARTITIONS; part++) {
        for (int i = 0; i < PER_ROUND; i++) {
          long offset = next[part]++;
          producer.send(
              new ProducerRecord<>(
                  TOPIC,
                  part,
                  ("k" + offset).getBytes(StandardCharsets.UTF_8),
                  payload(part, offset).getBytes(StandardCharsets.UTF_8)));
        }
      }
      producer.flush();
    }
  }

  /** A value that compresses little, so that a round fills several segments. */
  static String payload(int partition, long offset) {
    byte[] noise = new byte[300];
    new Random(partition * 1_000_003L + offset).nextBytes(noise);
    return partition + "-" + offset + "-" + Base64.getEncoder().encodeToString(noise);
  }

  private static Process startBackup(Path repo, String bootstrap, Path log) throws Exception {
    return CliRunner.start(
        log, "backup", "--repo", repo.toString(), "-b", bootstrap, "--topics", TOPIC);
  }
}

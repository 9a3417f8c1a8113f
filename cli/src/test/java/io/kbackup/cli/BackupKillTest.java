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
import io.kbackup.storage.ServerProcess;
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
import java.util.Optional;
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
 * shows, no committed snapshot goes, verify at level 2 finds every snapshot sound, every snapshot
 * holds exactly the records it claims, and the next backup continues after the segments the killed
 * one had stored instead of reading them again.
 *
 * <p>{@code -Dkbackup.killPoints=N} sets the number of kills (8 by default; {@code soak/run} runs
 * 1000), {@code -Dkbackup.killSeed=S} repeats a run. Every {@value #EPOCH} rounds the test starts
 * over with a new topic and a new repository, so that a round costs the same at the thousandth kill
 * as at the first.
 */
class BackupKillTest {

  static final int PARTITIONS = 2;
  static final int PER_ROUND = 1_000;
  static final int EPOCH = 25;

  final long[] next = new long[PARTITIONS];
  String topic;

  @Test
  void backupsKilledAtRandomPointsNeverLeaveALyingRepository(@TempDir Path dir) throws Exception {
    KillTally tally = KillTally.start("backup", 8);
    tally.run(() -> run(tally, dir));
  }

  private void run(KillTally tally, Path dir) throws Exception {
    Random random = tally.random;
    try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"))) {
      String b = kafka.bootstrapServers();
      Repository repo = newEpoch(b, dir, 0);

      // a first backup, run to its end, shows when a backup does its work
      produce(b);
      Instant start = Instant.now();
      Process first = startBackup(repo, b, dir.resolve("first.log"));
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
      long storing = Math.max(50, whole.toMillis() - firstStored.toMillis());

      int resumedRounds = 0;
      int killedWhileStoring = 0;
      for (int round = 1; round <= tally.points; round++) {
        String context = tally.at(round);
        if (round > 1 && (round - 1) % EPOCH == 0) {
          checkEpoch(repo, b, tally, context);
          repo = newEpoch(b, dir, (round - 1) / EPOCH);
          produce(b);
          new Backup(repo, KafkaConnection.of(b), options()).run();
        }
        produce(b);
        List<String> before = ids(repo);
        SnapshotManifest last = repo.latestSnapshot().orElseThrow();
        Process killed = startBackup(repo, b, dir.resolve("round.log"));
        // one kill in four at any time of the run, from start-up to after the commit; the others
        // while the backup stores segments, where a kill leaves the most behind
        if (random.nextInt(4) == 0) {
          Thread.sleep((long) (random.nextDouble() * (whole.toMillis() + 100)));
        } else {
          while (killed.isAlive() && progress(repo).isEmpty()) {
            Thread.sleep(2);
          }
          killedWhileStoring++;
          Thread.sleep((long) (random.nextDouble() * storing * 0.9));
        }
        killed.destroyForcibly();
        assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> after = ids(repo);
        tally.kept(before, after, context);
        boolean committed = after.size() > before.size();
        assertThat(after.size())
            .as(context)
            .isEqualTo(committed ? before.size() + 1 : before.size());
        if (committed) {
          SnapshotManifest s = repo.latestSnapshot().orElseThrow();
          assertExact(repo, s, tally, context);
          last = s;
        }
        List<SegmentInfo> stored = committed ? List.of() : storedByTheKilledBackup(repo);
        VerifyReport verified = new Verifier(repo.storage()).run(new VerifyOptions(null, 2, null));
        tally.sound(verified, context);
        assertThat(verified.snapshots()).hasSize(after.size());

        BackupResult result = new Backup(repo, KafkaConnection.of(b), options()).run();
        long newRecords = result.snapshot().recordCount() - last.recordCount();
        long resumedRecords = stored.stream().mapToLong(SegmentInfo::recordCount).sum();
        assertThat(result.segmentsResumed()).as(context).isEqualTo(stored.size());
        assertThat(result.recordsRead()).as(context).isEqualTo(newRecords - resumedRecords);
        if (!stored.isEmpty()) {
          resumedRounds++;
        }
        assertExact(repo, result.snapshot(), tally, context);
        assertThat(progress(repo)).as(context).isEmpty();
        if (result.snapshot().recordCount() != next[0] + next[1]) {
          tally.loss(context + ": the snapshot holds " + result.snapshot().recordCount());
        }
        tally.pointDone();
      }
      checkEpoch(repo, b, tally, "the end, seed " + tally.seed);
      System.out.println(
          "BackupKillTest: "
              + resumedRounds
              + " rounds continued a killed backup, "
              + killedWhileStoring
              + " kills were aimed at a backup storing segments");
      assertThat(resumedRounds)
          .as("kills that left stored segments")
          .isGreaterThanOrEqualTo(Math.min(3, killedWhileStoring / 2));
    }
  }

  /** A new topic and a new repository, the old ones deleted. */
  private Repository newEpoch(String bootstrap, Path dir, int epoch) throws Exception {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      if (topic != null) {
        admin.deleteTopics(List.of(topic, topic + "-restored")).all().get();
        ServerProcess.deleteTree(dir.resolve("repo-" + (epoch - 1)));
      }
      topic = "kill-seq-" + epoch;
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
    }
    Arrays.fill(next, 0);
    return Repository.init(
        new FileSystemStorage(dir.resolve("repo-" + epoch)),
        new SegmentSettings(Codec.ZSTD, 1, 16 << 10, 64 << 10));
  }

  /**
   * Every snapshot's objects are still all there, and an early snapshot restores exactly: what
   * rounds of kills leave behind also holds for the snapshots before the last.
   */
  private void checkEpoch(Repository repo, String b, KillTally tally, String context)
      throws Exception {
    List<SnapshotManifest> all = repo.snapshots();
    for (SnapshotManifest s : all) {
      for (var t : s.topics()) {
        for (PartitionSnapshot p : t.partitions()) {
          for (SegmentInfo seg : p.segments()) {
            if (!repo.storage()
                .stat(seg.key())
                .map(ObjectInfo::size)
                .equals(Optional.of(seg.size()))) {
              tally.lostSnapshot(context + ": " + s.id() + " lacks " + seg.key());
            }
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
                .topicMap(TopicMap.parse(topic + "=" + topic + "-restored"))
                .dataOnly(true)
                .build())
        .run();
    List<TopicContents.Entry> restored = TopicContents.read(b, topic + "-restored");
    assertThat(restored).as(context).hasSize((int) early.recordCount());
    for (TopicContents.Entry e : restored) {
      assertThat(e.value())
          .as(context)
          .isEqualTo(
              Arrays.toString(payload(e.partition(), e.offset()).getBytes(StandardCharsets.UTF_8)));
    }
  }

  private BackupOptions options() {
    return new BackupOptions(TopicSelector.of(topic, null), false);
  }

  private static List<String> ids(Repository repo) throws Exception {
    return repo.snapshots().stream().map(SnapshotManifest::id).toList();
  }

  /** Each partition holds exactly the records 0 to its end offset, with their values. */
  private static void assertExact(
      Repository repo, SnapshotManifest s, KillTally tally, String context) throws Exception {
    for (PartitionSnapshot p : s.topics().get(0).partitions()) {
      String where = context + ", " + s.id() + " partition " + p.partition();
      long expected = p.startOffset();
      for (SegmentInfo segment : p.segments()) {
        try (SegmentReader reader = SegmentReader.open(repo.storage(), segment, p.startOffset())) {
          for (RecordBatch batch = reader.next(); batch != null; batch = reader.next()) {
            for (BackupRecord r : batch.records()) {
              if (r.offset() < p.startOffset() || r.offset() >= p.endOffset()) {
                continue;
              }
              if (r.offset() < expected) {
                tally.duplicate(where + ": offset " + r.offset() + " again");
              } else if (r.offset() > expected) {
                tally.loss(where + ": offsets " + expected + " to " + (r.offset() - 1) + " lack");
              } else if (!new String(r.value(), StandardCharsets.UTF_8)
                  .equals(payload(p.partition(), r.offset()))) {
                tally.loss(where + ": offset " + r.offset() + " holds another value");
              }
              expected++;
            }
          }
        }
      }
      if (expected != p.endOffset()) {
        tally.loss(where + ": ends at " + expected + ", not " + p.endOffset());
      }
      assertThat(p.recordCount()).as(where).isEqualTo(p.endOffset() - p.startOffset());
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
                  topic,
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

  private Process startBackup(Repository repo, String bootstrap, Path log) throws Exception {
    return CliRunner.start(
        log,
        "backup",
        "--repo",
        ((FileSystemStorage) repo.storage()).root().toString(),
        "-b",
        bootstrap,
        "--topics",
        topic);
  }
}

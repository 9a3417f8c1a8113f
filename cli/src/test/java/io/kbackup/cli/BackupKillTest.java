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
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.restore.Restore;
import io.kbackup.restore.RestoreOptions;
import io.kbackup.restore.TopicMap;
import io.kbackup.segment.SegmentInfo;
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
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup processes killed with SIGKILL at random points, round after round: no half snapshot ever
 * shows, no committed snapshot goes, verify at level 2 finds every snapshot sound, every snapshot
 * holds exactly the records it claims, and the next backup continues after the segments the killed
 * one had stored instead of reading them again.
 *
 * <p>{@code -Dkbackup.killPoints=N} sets the number of kills (6 by default; {@code soak/run} runs
 * 1000), {@code -Dkbackup.killSeed=S} repeats a run. The topic and the repository are new every
 * {@value KillEpoch#ROUNDS} rounds.
 */
class BackupKillTest {

  static final int PER_ROUND = 1_000;

  @Test
  void backupsKilledAtRandomPointsNeverLeaveALyingRepository(@TempDir Path dir) throws Exception {
    KillTally tally = KillTally.start("backup", 6);
    tally.run(() -> run(tally, dir));
  }

  private void run(KillTally tally, Path dir) throws Exception {
    Random random = tally.random;
    try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"))) {
      String b = kafka.bootstrapServers();
      KillEpoch epoch = KillEpoch.next(b, dir, "killtest-backup", null);

      // a first backup, run to its end, shows when a backup does its work
      epoch.topic().produce(b, PER_ROUND);
      Instant start = Instant.now();
      Process first = startBackup(epoch, b, dir.resolve("first.log"));
      Duration firstStored = null;
      while (first.isAlive()) {
        if (firstStored == null && !progress(epoch.repo()).isEmpty()) {
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
        if (KillEpoch.begins(round)) {
          checkEpoch(epoch, b, tally, context);
          epoch = KillEpoch.next(b, dir, "killtest-backup", epoch);
          epoch.topic().produce(b, PER_ROUND);
          new Backup(epoch.repo(), KafkaConnection.of(b), options(epoch)).run();
        }
        Repository repo = epoch.repo();
        SequenceTopic topic = epoch.topic();
        topic.produce(b, PER_ROUND);
        List<String> before = ids(repo);
        SnapshotManifest last = repo.latestSnapshot().orElseThrow();
        Process killed = startBackup(epoch, b, dir.resolve("round.log"));
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
          topic.assertExact(repo, s, tally, context);
          last = s;
        }
        List<SegmentInfo> stored = committed ? List.of() : storedByTheKilledBackup(repo);
        VerifyReport verified = new Verifier(repo.storage()).run(new VerifyOptions(null, 2, null));
        tally.sound(verified, context);
        assertThat(verified.snapshots()).hasSize(after.size());

        BackupResult result = new Backup(repo, KafkaConnection.of(b), options(epoch)).run();
        long newRecords = result.snapshot().recordCount() - last.recordCount();
        long resumedRecords = stored.stream().mapToLong(SegmentInfo::recordCount).sum();
        assertThat(result.segmentsResumed()).as(context).isEqualTo(stored.size());
        assertThat(result.recordsRead()).as(context).isEqualTo(newRecords - resumedRecords);
        if (!stored.isEmpty()) {
          resumedRounds++;
        }
        topic.assertExact(repo, result.snapshot(), tally, context);
        assertThat(progress(repo)).as(context).isEmpty();
        if (result.snapshot().recordCount() != topic.records()) {
          tally.loss(context + ": the snapshot holds " + result.snapshot().recordCount());
        }
        tally.pointDone();
      }
      checkEpoch(epoch, b, tally, "the end, seed " + tally.seed);
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

  /**
   * Every snapshot's objects are still all there, and an early snapshot restores exactly: what
   * rounds of kills leave behind also holds for the snapshots before the last.
   */
  private static void checkEpoch(KillEpoch epoch, String b, KillTally tally, String context)
      throws Exception {
    List<SnapshotManifest> all = epoch.repo().snapshots();
    for (SnapshotManifest s : all) {
      SequenceTopic.assertComplete(epoch.repo(), s, tally, context);
    }
    String topic = epoch.topic().name;
    SnapshotManifest early = all.get(all.size() / 3);
    new Restore(
            epoch.repo(),
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
              Arrays.toString(
                  SequenceTopic.payload(e.partition(), e.offset())
                      .getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static BackupOptions options(KillEpoch epoch) {
    return new BackupOptions(TopicSelector.of(epoch.topic().name, null), false);
  }

  static List<String> ids(Repository repo) throws Exception {
    return repo.snapshots().stream().map(SnapshotManifest::id).toList();
  }

  static List<ObjectInfo> progress(Repository repo) throws Exception {
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

  static Process startBackup(KillEpoch epoch, String bootstrap, Path log) throws Exception {
    return CliRunner.start(
        log,
        "backup",
        "--repo",
        epoch.dir().toString(),
        "-b",
        bootstrap,
        "--topics",
        epoch.topic().name);
  }
}

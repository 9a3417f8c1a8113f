package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.backup.BackupResult;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.verify.Verifier;
import io.kbackup.verify.VerifyOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forget --prune} and {@code prune} processes and backup processes that share a repository,
 * killed with SIGKILL at random points, round after round. Each round runs one of three plays: a
 * prune started while a backup runs, a prune started after a backup was killed (its segments and
 * progress left behind), or a backup started while a prune runs; one of the two processes, or both,
 * is killed at a random point. The one not killed ends with 0, or 11 when the other held the
 * repository. After each round verify at level 2 finds no problem, every snapshot the retention
 * policy keeps is still there, every snapshot left is complete and holds exactly its records, and
 * the next backup ends with a snapshot of every record.
 *
 * <p>{@code -Dkbackup.killPoints=N} sets the number of rounds (3 by default; {@code soak/run} runs
 * 300), {@code -Dkbackup.killSeed=S} repeats a run. The topic and the repository are new every
 * {@value KillEpoch#ROUNDS} rounds.
 */
class PruneKillTest {

  static final int PER_ROUND = 500;
  static final int KEEP = 3;

  @Test
  void pruneAndBackupsKilledAtRandomPointsNeverLoseAKeptSnapshot(@TempDir Path dir)
      throws Exception {
    KillTally tally = KillTally.start("prune", 3);
    tally.run(() -> run(tally, dir));
  }

  private void run(KillTally tally, Path dir) throws Exception {
    Random random = tally.random;
    String b = SharedKafka.primary().bootstrapServers();
    KillEpoch epoch = KillEpoch.next(b, dir, "killtest-prune", null);
    epoch.topic().produce(b, PER_ROUND);
    // how long each command runs to its end, so that kills fall within the runs
    long backupMillis = timed(BackupKillTest.startBackup(epoch, b, dir.resolve("first.log")));
    long pruneMillis = timed(startPrune(epoch, true, dir.resolve("first-prune.log")));
    int[] plays = new int[3];
    for (int round = 1; round <= tally.points; round++) {
      String context = tally.at(round);
      if (KillEpoch.begins(round)) {
        epoch = KillEpoch.next(b, dir, "killtest-prune", epoch);
        epoch.topic().produce(b, PER_ROUND);
        new Backup(epoch.repo(), KafkaConnection.of(b), options(epoch)).run();
      }
      Repository repo = epoch.repo();
      epoch.topic().produce(b, PER_ROUND);
      List<String> before = BackupKillTest.ids(repo);
      boolean forget = random.nextBoolean();
      Path backupLog = dir.resolve("backup.log");
      Path pruneLog = dir.resolve("prune.log");
      Files.deleteIfExists(backupLog);
      Files.deleteIfExists(pruneLog);
      Process backup;
      Process prune;
      Set<Process> killed = new HashSet<>();
      int play = random.nextInt(3);
      plays[play]++;
      if (play == 0) {
        // a prune started while a backup runs; the prune, or both, killed
        backup = BackupKillTest.startBackup(epoch, b, backupLog);
        pause(random, backupMillis);
        prune = startPrune(epoch, forget, pruneLog);
        pause(random, pruneMillis);
        killed.add(prune.destroyForcibly());
        if (random.nextBoolean()) {
          pause(random, backupMillis / 2);
          killed.add(backup.destroyForcibly());
        }
      } else if (play == 1) {
        // a backup killed, then a prune of what it left, killed or not
        backup = BackupKillTest.startBackup(epoch, b, backupLog);
        pause(random, backupMillis);
        killed.add(backup.destroyForcibly());
        assertThat(backup.waitFor(30, TimeUnit.SECONDS)).isTrue();
        prune = startPrune(epoch, forget, pruneLog);
        if (random.nextInt(4) > 0) {
          pause(random, pruneMillis);
          killed.add(prune.destroyForcibly());
        }
      } else {
        // a backup started while a prune runs; the backup, or both, killed
        prune = startPrune(epoch, forget, pruneLog);
        pause(random, pruneMillis);
        backup = BackupKillTest.startBackup(epoch, b, backupLog);
        pause(random, backupMillis);
        killed.add(backup.destroyForcibly());
        if (random.nextBoolean()) {
          killed.add(prune.destroyForcibly());
        }
      }
      assertEndedWell(backup, killed, backupLog, context);
      assertEndedWell(prune, killed, pruneLog, context);

      List<SnapshotManifest> after = repo.snapshots();
      List<String> afterIds = after.stream().map(SnapshotManifest::id).toList();
      List<String> all = new ArrayList<>(before);
      afterIds.stream().filter(id -> !before.contains(id)).forEach(all::add);
      // forget keeps the newest; a prune alone removes no snapshot
      List<String> kept = forget ? all.subList(Math.max(0, all.size() - KEEP), all.size()) : all;
      tally.kept(kept, afterIds, context);
      for (SnapshotManifest s : after) {
        SequenceTopic.assertComplete(repo, s, tally, context);
        epoch.topic().assertExact(repo, s, tally, context);
      }
      tally.sound(new Verifier(repo.storage()).run(new VerifyOptions(null, 2, null)), context);

      BackupResult result = new Backup(repo, KafkaConnection.of(b), options(epoch)).run();
      epoch.topic().assertExact(repo, result.snapshot(), tally, context);
      if (result.snapshot().recordCount() != epoch.topic().records()) {
        tally.loss(context + ": the next snapshot holds " + result.snapshot().recordCount());
      }
      tally.pointDone();
    }
    System.out.println(
        "PruneKillTest: "
            + plays[0]
            + " prunes during a backup, "
            + plays[1]
            + " after a killed backup, "
            + plays[2]
            + " backups during a prune");
  }

  /** Ended with 0, or with 11 because the other process held the repository, or killed. */
  private static void assertEndedWell(Process p, Set<Process> killed, Path log, String context)
      throws Exception {
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(context).isTrue();
    // 137: SIGKILL, for a process the test killed before it ended
    List<Integer> expected = killed.contains(p) ? List.of(0, 11, 137) : List.of(0, 11);
    assertThat(p.exitValue())
        .as(context + ": " + (Files.exists(log) ? Files.readString(log) : ""))
        .isIn(expected);
  }

  private static void pause(Random random, long millis) throws InterruptedException {
    Thread.sleep((long) (random.nextDouble() * millis));
  }

  private static long timed(Process p) throws Exception {
    Instant start = Instant.now();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return Duration.between(start, Instant.now()).toMillis();
  }

  private static Process startPrune(KillEpoch epoch, boolean forget, Path log) throws Exception {
    String repo = epoch.dir().toString();
    return forget
        ? CliRunner.start(
            log,
            "forget",
            "--repo",
            repo,
            "--keep-last",
            String.valueOf(KEEP),
            "--prune",
            "--grace",
            "0h")
        : CliRunner.start(log, "prune", "--repo", repo, "--grace", "0h");
  }

  private static BackupOptions options(KillEpoch epoch) {
    return new BackupOptions(TopicSelector.of(epoch.topic().name, null), false);
  }
}

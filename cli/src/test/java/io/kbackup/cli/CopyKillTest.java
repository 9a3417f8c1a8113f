package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.storage.ServerProcess;
import io.kbackup.verify.Verifier;
import io.kbackup.verify.VerifyOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kbackup copy} processes killed with SIGKILL at random points, then run again: at each
 * point a copy of every snapshot of a source repository into a new repository is killed once or
 * twice, after each kill the destination verifies at level 2 and shows only whole snapshots of the
 * source, each holding exactly its records; the copy run again to its end leaves exactly the
 * source's snapshots, verified at level 2 and exact.
 *
 * <p>{@code -Dkbackup.killPoints=N} sets the number of points (3 by default; {@code soak/run} runs
 * 200), {@code -Dkbackup.killSeed=S} repeats a run.
 */
class CopyKillTest {

  static final int SNAPSHOTS = 4;
  static final int PER_SNAPSHOT = 1_500;

  @Test
  void copiesKilledAtRandomPointsLeaveExactlyTheSourcesSnapshots(@TempDir Path dir)
      throws Exception {
    KillTally tally = KillTally.start("copy", 3);
    tally.run(() -> run(tally, dir));
  }

  private void run(KillTally tally, Path dir) throws Exception {
    Random random = tally.random;
    String b = SharedKafka.primary().bootstrapServers();
    KillEpoch source = KillEpoch.next(b, dir, "killtest-copy", null);
    for (int i = 0; i < SNAPSHOTS; i++) {
      source.topic().produce(b, PER_SNAPSHOT);
      new Backup(
              source.repo(),
              KafkaConnection.of(b),
              new BackupOptions(TopicSelector.of(source.topic().name, null), false))
          .run();
    }
    List<String> sourceIds = BackupKillTest.ids(source.repo());

    // a first copy, run to its end, shows how long a copy runs
    Repository.init(new FileSystemStorage(dir.resolve("first")), KillEpoch.SMALL_SEGMENTS);
    Instant start = Instant.now();
    Process first = startCopy(source, dir.resolve("first"), dir.resolve("first.log"));
    FileSystemStorage firstStore = new FileSystemStorage(dir.resolve("first"));
    long firstObject = -1;
    while (first.isAlive()) {
      if (firstObject < 0 && !firstStore.list("data/").isEmpty()) {
        firstObject = Duration.between(start, Instant.now()).toMillis();
      }
      Thread.sleep(2);
    }
    assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isZero();
    long whole = Duration.between(start, Instant.now()).toMillis() + 100;
    assertThat(firstObject).as("the copy sent objects").isNotNegative();
    long sending = Math.max(50, whole - firstObject);
    ServerProcess.deleteTree(dir.resolve("first"));

    int partial = 0;
    for (int point = 1; point <= tally.points; point++) {
      String context = tally.at(point);
      Path target = dir.resolve("target-" + point);
      Repository to = Repository.init(new FileSystemStorage(target), KillEpoch.SMALL_SEGMENTS);
      int kills = 1 + random.nextInt(2);
      for (int kill = 0; kill < kills; kill++) {
        int sent = to.storage().list("data/").size();
        Process copy = startCopy(source, target, dir.resolve("copy.log"));
        // one kill in four at any time of the run, most of which is the start of a JVM; the
        // others once the copy sends objects, where a kill leaves the most behind
        if (random.nextInt(4) == 0) {
          Thread.sleep((long) (random.nextDouble() * whole));
        } else {
          while (copy.isAlive() && to.storage().list("data/").size() <= sent) {
            Thread.sleep(2);
          }
          Thread.sleep((long) (random.nextDouble() * sending));
        }
        copy.destroyForcibly();
        assertThat(copy.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> copied = BackupKillTest.ids(to);
        if (copied.size() < sourceIds.size() && !to.storage().list("data/").isEmpty()) {
          partial++;
        }
        assertOnlyWholeSnapshotsOfTheSource(tally, source, to, sourceIds, copied, context);
      }
      CliRunner.Result again =
          CliRunner.run("copy", "--repo", source.dir().toString(), "--to", target.toString());
      assertThat(again.exitCode()).as(context + again.err()).isZero();
      List<String> copied = BackupKillTest.ids(to);
      assertOnlyWholeSnapshotsOfTheSource(tally, source, to, sourceIds, copied, context);
      tally.kept(sourceIds, copied, context);
      ServerProcess.deleteTree(target);
      tally.pointDone();
    }
    System.out.println(
        "CopyKillTest: " + partial + " kills left objects sent but not every snapshot committed");
  }

  private static void assertOnlyWholeSnapshotsOfTheSource(
      KillTally tally,
      KillEpoch source,
      Repository to,
      List<String> sourceIds,
      List<String> copied,
      String context)
      throws Exception {
    tally.sound(new Verifier(to.storage()).run(new VerifyOptions(null, 2, null)), context);
    assertThat(sourceIds).as(context + ": snapshots not of the source").containsAll(copied);
    if (copied.stream().distinct().count() != copied.size()) {
      tally.duplicate(context + ": a snapshot twice in " + copied);
    }
    for (SnapshotManifest s : to.snapshots()) {
      SnapshotManifest original = source.repo().snapshot(s.id());
      if (s.recordCount() != original.recordCount()) {
        tally.loss(context + ": " + s.id() + " holds " + s.recordCount() + " records");
      }
      SequenceTopic.assertComplete(to, s, tally, context);
      source.topic().assertExact(to, s, tally, context);
    }
  }

  private static Process startCopy(KillEpoch source, Path target, Path log) throws Exception {
    return CliRunner.start(
        log, "copy", "--repo", source.dir().toString(), "--to", target.toString());
  }
}

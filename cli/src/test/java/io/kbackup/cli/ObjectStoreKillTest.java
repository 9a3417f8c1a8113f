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
import io.kbackup.storage.s3.LocalS3;
import io.kbackup.verify.Verifier;
import io.kbackup.verify.VerifyOptions;
import io.kbackup.verify.VerifyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An S3 server (s3proxy with its file-system store) killed with SIGKILL while a backup process
 * writes to it, round after round, then started again over the same data: the repository verifies
 * at level 2, it shows no half snapshot and keeps every committed one, and the backup run again
 * ends with a snapshot that holds exactly every record.
 *
 * <p>{@code -Dkbackup.killPoints=N} sets the number of kills (2 by default; {@code soak/run} runs
 * 100), {@code -Dkbackup.killSeed=S} repeats a run. The topic and the repository prefix are new
 * every {@value KillEpoch#ROUNDS} rounds.
 */
class ObjectStoreKillTest {

  static final String BUCKET = "kill";
  static final int PER_ROUND = 1_000;

  LocalS3 s3;
  SequenceTopic topic;
  String url;

  @Test
  void s3ServersKilledMidWriteLeaveASoundRepository(@TempDir Path dir) throws Exception {
    KillTally tally = KillTally.start("store", 2);
    s3 = LocalS3.start();
    try {
      s3.createBucket(BUCKET);
      tally.run(() -> run(tally, dir));
    } finally {
      s3.close();
    }
  }

  private void run(KillTally tally, Path dir) throws Exception {
    Random random = tally.random;
    String b = SharedKafka.primary().bootstrapServers();
    Repository repo = newEpoch(b, 0);
    topic.produce(b, PER_ROUND);
    // a first backup, run to its end, shows when a backup writes
    Instant start = Instant.now();
    Process first = startBackup(b, dir.resolve("first.log"));
    long firstStored = -1;
    while (first.isAlive()) {
      if (firstStored < 0 && !BackupKillTest.progress(repo).isEmpty()) {
        firstStored = Duration.between(start, Instant.now()).toMillis();
      }
      Thread.sleep(20);
    }
    long whole = Duration.between(start, Instant.now()).toMillis();
    assertThat(first.exitValue()).isZero();
    assertThat(firstStored).as("the backup recorded its progress").isNotNegative();
    long storing = Math.max(50, whole - firstStored);

    int endedAlone = 0;
    Map<Integer, Integer> exits = new TreeMap<>();
    for (int round = 1; round <= tally.points; round++) {
      String context = tally.at(round);
      if (KillEpoch.begins(round)) {
        repo = newEpoch(b, (round - 1) / KillEpoch.ROUNDS);
        topic.produce(b, PER_ROUND);
        new Backup(repo, KafkaConnection.of(b), options()).run();
      }
      topic.produce(b, PER_ROUND);
      List<String> before = BackupKillTest.ids(repo);
      Process backup = startBackup(b, dir.resolve("round.log"));
      // one kill in four at any time of the backup, the others while it stores segments
      if (random.nextInt(4) == 0) {
        Thread.sleep((long) (random.nextDouble() * whole));
      } else {
        while (backup.isAlive() && BackupKillTest.progress(repo).isEmpty()) {
          Thread.sleep(20);
        }
        Thread.sleep((long) (random.nextDouble() * storing * 0.9));
      }
      s3.kill();
      // a backup that lost its store ends on its own, or is ended
      if (backup.waitFor(5, TimeUnit.SECONDS)) {
        endedAlone++;
        exits.merge(backup.exitValue(), 1, Integer::sum);
      } else {
        backup.destroyForcibly();
        assertThat(backup.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      s3.restart();
      repo = Repository.open(s3.storage(url));

      List<String> after = BackupKillTest.ids(repo);
      tally.kept(before, after, context);
      assertThat(after.size()).as(context).isIn(before.size(), before.size() + 1);
      for (SnapshotManifest s : repo.snapshots()) {
        if (!before.contains(s.id())) {
          SequenceTopic.assertComplete(repo, s, tally, context);
          topic.assertExact(repo, s, tally, context);
        }
      }
      VerifyReport verified = new Verifier(repo.storage()).run(new VerifyOptions(null, 2, null));
      tally.sound(verified, context);
      assertThat(verified.snapshots()).as(context).hasSize(after.size());

      BackupResult result = new Backup(repo, KafkaConnection.of(b), options()).run();
      topic.assertExact(repo, result.snapshot(), tally, context);
      if (result.snapshot().recordCount() != topic.records()) {
        tally.loss(context + ": the snapshot holds " + result.snapshot().recordCount());
      }
      tally.pointDone();
    }
    System.out.println(
        "ObjectStoreKillTest: "
            + endedAlone
            + " backups ended on their own once the server died, exit codes (code=count) "
            + exits);
  }

  /** A new topic and a new prefix in the bucket. */
  private Repository newEpoch(String bootstrap, int epoch) throws Exception {
    topic = new SequenceTopic("killtest-store-" + epoch, 2);
    topic.create(bootstrap);
    url = "s3://" + BUCKET + "/epoch-" + epoch;
    return Repository.init(s3.storage(url), KillEpoch.SMALL_SEGMENTS);
  }

  private BackupOptions options() {
    return new BackupOptions(TopicSelector.of(topic.name, null), false);
  }

  private Process startBackup(String bootstrap, Path log) throws Exception {
    return CliRunner.start(
        log,
        List.of(
            "-Daws.accessKeyId=" + LocalS3.ACCESS_KEY,
            "-Daws.secretAccessKey=" + LocalS3.SECRET_KEY,
            "-Daws.disableEc2Metadata=true"),
        "backup",
        "--repo",
        url,
        "-b",
        bootstrap,
        "--topics",
        topic.name,
        "--s3-endpoint",
        s3.endpoint(),
        "--s3-path-style");
  }
}

package io.kbackup.cli;

import static io.kbackup.cli.BadInputTest.assertOneClearError;
import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.SharedKafka;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.storage.FileSystemStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup --continuous} as operators run it: a process that SIGTERM stops cleanly. */
class ContinuousBackupCommandTest {

  @Test
  void commitsAsRecordsArriveAndSigtermCommitsTheRestAndExits0(@TempDir Path dir) throws Exception {
    String b = SharedKafka.primary().bootstrapServers();
    TestTopics.create(b, 2, "cont-cli");
    Path repoDir = dir.resolve("repo");
    assertThat(CliRunner.run("init", "--repo", repoDir.toString()).exitCode()).isZero();
    Path log = dir.resolve("backup.log");
    Path metrics = dir.resolve("kbackup.prom");
    Process process =
        CliRunner.start(
            log,
            "backup",
            "--continuous",
            "--commit-every",
            "1s",
            "--repo",
            repoDir.toString(),
            "-b",
            b,
            "--topics",
            "cont-cli",
            "--metrics-file",
            metrics.toString());
    Repository repo = Repository.open(new FileSystemStorage(repoDir));
    int produced = 0;
    try (KafkaProducer<byte[], byte[]> producer = TestTopics.producer(b)) {
      awaitRecords(repo, 0, process, log);
      for (int round = 0; round < 4; round++) {
        TestTopics.sendAll(producer, records(produced, 500));
        produced += 500;
        awaitRecords(repo, produced, process, log); // committed within the interval
      }
      // the last records and SIGTERM at once: stopping commits them
      TestTopics.sendAll(producer, records(produced, 37));
      produced += 37;
    }
    process.destroy();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log);
    assertThat(process.exitValue()).as(output).isZero();
    SnapshotManifest last = repo.latestSnapshot().orElseThrow();
    assertThat(last.recordCount()).isEqualTo(produced);
    assertThat(repo.snapshots().size()).isGreaterThanOrEqualTo(6);
    assertThat(output.lines().filter(l -> l.startsWith("snapshot ")).count())
        .isEqualTo(repo.snapshots().size());
    assertThat(output).contains("snapshot " + last.id() + ": 1 topic, 2 partitions, 2037 records");
    assertThat(repo.storage().list("locks/")).isEmpty();

    CliRunner.Result verify = CliRunner.run("verify", "--repo", repoDir.toString(), "--level", "2");
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    // the newest snapshots alone, oldest of them first
    List<String> ids = repo.snapshots().stream().map(SnapshotManifest::id).toList();
    CliRunner.Result newest =
        CliRunner.run("snapshots", "--repo", repoDir.toString(), "--last", "2", "--json");
    assertThat(newest.jsonLines().stream().map(l -> l.get("id").asText()))
        .containsExactlyElementsOf(ids.subList(ids.size() - 2, ids.size()));
    assertOneClearError(
        CliRunner.run("snapshots", "--repo", repoDir.toString(), "--last", "0"),
        2,
        "--last 0 is not a positive number");
    // each snapshot was recorded as a successful backup, with the records it read
    String text = Files.readString(metrics);
    assertThat(text)
        .contains(
            "kbackup_records_written_total{operation=\"backup\",repository=\""
                + repoDir
                + "\"} 2037.0")
        .contains(
            "kbackup_last_run_success{operation=\"backup\",repository=\"" + repoDir + "\"} 1.0")
        .contains(
            "kbackup_repository_snapshots{repository=\""
                + repoDir
                + "\"} 1.0"); // measured at the first snapshot, then every 10 minutes
  }

  @Test
  void commitOptionsWithoutContinuousOrWithBadValuesAreExit2() {
    assertOneClearError(
        backup("--commit-every", "5s"),
        2,
        "--commit-every and --commit-bytes apply to continuous backups only");
    assertOneClearError(
        backup("--continuous", "--commit-every", "soon"),
        2,
        "--commit-every: 'soon' is not a duration");
    assertOneClearError(
        backup("--continuous", "--commit-bytes", "12XB"),
        2,
        "--commit-bytes: '12XB' is not a size");
  }

  private static CliRunner.Result backup(String... options) {
    List<String> args = new ArrayList<>(List.of("backup", "--repo", "/tmp/x", "-b", "127.0.0.1:1"));
    args.addAll(List.of(options));
    return CliRunner.run(args.toArray(String[]::new));
  }

  private static List<ProducerRecord<byte[], byte[]>> records(int from, int count) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      records.add(
          new ProducerRecord<>(
              "cont-cli", i % 2, null, ("r" + i).getBytes(StandardCharsets.UTF_8)));
    }
    return records;
  }

  private static void awaitRecords(Repository repo, long records, Process process, Path log)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (repo.latestSnapshot().map(SnapshotManifest::recordCount).orElse(-1L) < records) {
      assertThat(process.isAlive()).as(() -> read(log)).isTrue();
      assertThat(Instant.now()).as("waiting for %d records", records).isBefore(deadline);
      Thread.sleep(50);
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}

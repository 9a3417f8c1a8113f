package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.storage.ObjectInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forget and prune on a repository of real backups. */
class RetentionCommandsTest {

  @Test
  void forgetRemovesWhatThePolicyDropsAndPruneDeletesOnlyUnneededOldData(@TempDir Path dir)
      throws Exception {
    String b = SharedKafka.primary().bootstrapServers();
    TestTopics.create(b, 1, "ret-x", "ret-y");
    String repo = dir.resolve("repo").toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
    produce(b, "ret-y", 0, 50);
    List<String> ids = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      produce(b, "ret-x", round * 50, 50);
      String topics = round == 0 ? "ret-(x|y)" : "ret-x";
      assertThat(CliRunner.run("backup", "--repo", repo, "-b", b, "--topics", topics).exitCode())
          .isZero();
      Repository r = Repository.open(new FileSystemStorage(Path.of(repo)));
      ids.add(r.latestSnapshot().orElseThrow().id());
    }

    // the first snapshot alone holds ret-y: its own series, kept
    CliRunner.Result dry = CliRunner.run("forget", "--repo", repo, "--keep-last", "2", "--dry-run");
    assertThat(dry.exitCode()).as(dry.err()).isZero();
    assertThat(dry.out())
        .contains("would remove 1 snapshot, kept 3")
        .doesNotContain("would leave no snapshot");
    assertThat(snapshotIds(repo)).isEqualTo(ids);

    String[] oneSeries = {"forget", "--repo", repo, "--keep-last", "2", "--allow-topic-loss"};
    CliRunner.Result dryLoss = CliRunner.run(append(oneSeries, "--dry-run"));
    assertThat(dryLoss.out())
        .contains("would remove 2 snapshots, kept 2")
        .contains("would leave no snapshot of topics: ret-y");
    assertThat(snapshotIds(repo)).isEqualTo(ids);
    CliRunner.Result json = CliRunner.run(append(oneSeries, "--dry-run", "--json"));
    assertThat(json.out()).contains("\"topicsLost\":[\"ret-y\"]");

    CliRunner.Result forget = CliRunner.run(oneSeries);
    assertThat(forget.out())
        .contains("removed 2 snapshots, kept 2")
        .contains("left no snapshot of topics: ret-y");
    assertThat(snapshotIds(repo)).containsExactly(ids.get(2), ids.get(3));
    assertThat(CliRunner.run("forget", "--repo", repo, "--keep-last", "2").out())
        .contains("removed 0 snapshots, kept 2");

    // a left-over of a backup that died: not referenced by any snapshot
    Repository r = Repository.open(new FileSystemStorage(Path.of(repo)));
    r.storage().put("data/ret-x/0/left-over.seg", new byte[] {1, 2, 3});
    List<String> yObjects = keys(r, "data/ret-y/");
    assertThat(yObjects).hasSize(2);

    CliRunner.Result young = CliRunner.run("prune", "--repo", repo);
    assertThat(young.out())
        .contains("deleted 0 objects")
        .contains("3 unreferenced objects younger than 1h were left alone");
    CliRunner.Result pruned = CliRunner.run("prune", "--repo", repo, "--grace", "0h");
    assertThat(pruned.exitCode()).as(pruned.err()).isZero();
    assertThat(pruned.out()).startsWith("deleted 3 objects");
    assertThat(keys(r, "data/ret-y/")).isEmpty();
    assertThat(keys(r, "data/ret-x/")).doesNotContain("data/ret-x/0/left-over.seg");
    assertThat(CliRunner.run("prune", "--repo", repo, "--grace", "0h").out())
        .startsWith("deleted 0 objects");

    // the kept snapshots restore exactly
    SnapshotManifest third = r.snapshot(ids.get(2));
    CliRunner.Result restore =
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            b,
            "--snapshot",
            third.id(),
            "--topic-map",
            "ret-x=ret-x-third",
            "--data-only");
    assertThat(restore.exitCode()).as(restore.err()).isZero();
    assertThat(TopicContents.read(b, "ret-x-third"))
        .isEqualTo(TopicContents.read(b, "ret-x").subList(0, 150));

    BadInputTest.assertOneClearError(
        CliRunner.run("forget", "--repo", repo), 2, "no --keep option given");
    BadInputTest.assertOneClearError(
        CliRunner.run("forget", "--repo", repo, "--keep-within", "7 days"),
        2,
        "--keep-within '7 days' is not a span");
  }

  @Test
  void pruneNeverRunsWhileABackupDoes(@TempDir Path dir) throws Exception {
    String b = SharedKafka.primary().bootstrapServers();
    TestTopics.create(b, 2, "ret-busy");
    for (int part = 0; part < 2; part++) {
      produceNoise(b, "ret-busy", part, 20_000);
    }
    Path repoDir = dir.resolve("repo");
    String repo = repoDir.toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
    Process backup =
        CliRunner.start(
            dir.resolve("backup.log"), "backup", "--repo", repo, "-b", b, "--topics", "ret-busy");
    Repository r = Repository.open(new FileSystemStorage(repoDir));
    while (r.storage().list("locks/").isEmpty()) {
      assertThat(backup.isAlive()).as("the backup ended before it was seen").isTrue();
      Thread.sleep(2);
    }
    int refused = 0;
    while (true) {
      CliRunner.Result prune = CliRunner.run("prune", "--repo", repo, "--grace", "0h");
      if (prune.exitCode() == 0) {
        // only possible once the backup let go of its lock, which it does after its commit
        assertThat(r.snapshots()).hasSize(1);
        assertThat(prune.out()).startsWith("deleted 0 objects");
        break;
      }
      BadInputTest.assertOneClearError(prune, 11, "is locked by `backup`");
      refused++;
    }
    assertThat(backup.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(backup.exitValue()).isZero();
    assertThat(refused).isPositive();
    SnapshotManifest s = r.latestSnapshot().orElseThrow();
    assertThat(s.recordCount()).isEqualTo(40_000);
    assertThat(CliRunner.run("prune", "--repo", repo, "--grace", "0h").out())
        .startsWith("deleted 0 objects");
    CliRunner.Result restore =
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            b,
            "--topic-map",
            "ret-busy=ret-busy-copy",
            "--data-only");
    assertThat(restore.exitCode()).as(restore.err()).isZero();
    assertThat(TopicContents.read(b, "ret-busy-copy")).isEqualTo(TopicContents.read(b, "ret-busy"));
  }

  private static String[] append(String[] args, String... more) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static List<String> snapshotIds(String repo) throws Exception {
    return Repository.open(new FileSystemStorage(Path.of(repo))).snapshots().stream()
        .map(SnapshotManifest::id)
        .toList();
  }

  private static List<String> keys(Repository r, String prefix) throws Exception {
    return r.storage().list(prefix).stream().map(ObjectInfo::key).toList();
  }

  private static void produce(String bootstrap, String topic, int from, int count)
      throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      records.add(
          new ProducerRecord<>(
              topic,
              0,
              ("k" + i).getBytes(StandardCharsets.UTF_8),
              ("v" + i).getBytes(StandardCharsets.UTF_8)));
    }
    try (KafkaProducer<byte[], byte[]> producer =
        TestTopics.producer(bootstrap, "linger.ms", "5")) {
      TestTopics.sendAll(producer, records);
    }
  }

  private static void produceNoise(String bootstrap, String topic, int partition, int count)
      throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(
          new ProducerRecord<>(
              topic,
              partition,
              ("k" + i).getBytes(StandardCharsets.UTF_8),
              SequenceTopic.payload(partition, i).getBytes(StandardCharsets.UTF_8)));
    }
    try (KafkaProducer<byte[], byte[]> producer =
        TestTopics.producer(bootstrap, "linger.ms", "5")) {
      TestTopics.sendAll(producer, records);
    }
  }
}

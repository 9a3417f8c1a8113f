package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.localkafka.TopicContents.Entry;
import io.kbackup.repository.Repository;
import io.kbackup.storage.s3.LocalS3;
import io.kbackup.storage.s3.S3Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The command line with repositories on a real S3-compatible server (s3proxy on 127.0.0.1) and a
 * real broker. Credentials reach kbackup the way they reach any AWS SDK program: here through the
 * system properties of the SDK's default chain.
 */
class S3RepositoryTest {

  static final String BUCKET = "kbackup-cli";
  static LocalS3 s3;
  static LocalKafka kafka;

  @BeforeAll
  static void start() throws Exception {
    kafka = SharedKafka.primary();
    s3 = LocalS3.start();
    s3.createBucket(BUCKET);
    System.setProperty("aws.accessKeyId", LocalS3.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", LocalS3.SECRET_KEY);
  }

  @AfterAll
  static void stop() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    if (s3 != null) {
      s3.close();
    }
  }

  static CliRunner.Result kbackup(LocalS3 server, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--s3-endpoint", server.endpoint(), "--s3-path-style"));
    return CliRunner.run(all.toArray(String[]::new));
  }

  @Test
  void backupAndRestoreThroughAnS3RepositoryKeepEveryRecord() throws Exception {
    String b = kafka.bootstrapServers();
    SampleTopics.write(b, "s3rt-", 10);
    String repo = "s3://" + BUCKET + "/prod/kafka";

    CliRunner.Result init = kbackup(s3, "init", "--repo", repo);
    assertThat(init.exitCode()).as(init.err()).isZero();
    CliRunner.Result backup =
        kbackup(
            s3, "backup", "--repo", repo, "-b", b, "--topics", "s3rt-.*", "--s3-region", "eu-1");
    assertThat(backup.exitCode()).as(backup.err()).isZero();
    CliRunner.Result snapshots = kbackup(s3, "snapshots", "--repo", repo);
    assertThat(snapshots.exitCode()).as(snapshots.err()).isZero();
    assertThat(Files.exists(s3.bucketDirectory(BUCKET).resolve("prod/kafka/config.json"))).isTrue();

    CliRunner.Result restore =
        kbackup(
            s3,
            "restore",
            "--repo",
            repo,
            "-b",
            b,
            "--topics",
            "s3rt-.*",
            "--topic-map",
            "s3rt-orders=s3r-orders,s3rt-payments=s3r-payments,s3rt-audit=s3r-audit");
    assertThat(restore.exitCode()).as(restore.err()).isZero();
    assertThat(TopicContents.read(b, "s3r-orders")).isEqualTo(TopicContents.read(b, "s3rt-orders"));
    // a LogAppendTime topic's records come back with their original time, as CreateTime
    assertThat(TopicContents.read(b, "s3r-audit").stream().map(S3RepositoryTest::timeOnly))
        .containsExactlyElementsOf(
            TopicContents.read(b, "s3rt-audit").stream().map(S3RepositoryTest::timeOnly).toList());
    // the aborted transaction left an offset gap in the source; records and order are kept
    assertThat(TopicContents.read(b, "s3r-payments").stream().map(Entry::withoutOffset).toList())
        .isEqualTo(
            TopicContents.read(b, "s3rt-payments").stream().map(Entry::withoutOffset).toList());
  }

  @Test
  void aWrongSecretKeyFailsTheBackupWithOneClearErrorAndCommitsNothing() throws Exception {
    String repo = "s3://" + BUCKET + "/denied";
    assertThat(kbackup(s3, "init", "--repo", repo).exitCode()).isZero();
    String wrong = "wrong-secret-value-1234";
    System.setProperty("aws.secretAccessKey", wrong);
    CliRunner.Result backup;
    try {
      backup = kbackup(s3, "backup", "--repo", repo, "-b", kafka.bootstrapServers());
    } finally {
      System.setProperty("aws.secretAccessKey", LocalS3.SECRET_KEY);
    }
    BadInputTest.assertOneClearError(backup, 1, "HTTP 403 Forbidden; check the credentials");
    assertThat(backup.err()).doesNotContain(wrong);
    try (S3Storage storage = s3.storage(repo)) {
      assertThat(storage.list("snapshots/")).isEmpty();
    }
  }

  @Test
  void aServerThatStopsDuringABackupFailsItCleanlyAndNothingIsCommitted() throws Exception {
    String b = kafka.bootstrapServers();
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", b))) {
      admin.createTopics(List.of(new NewTopic("s3outage", 1, (short) 1))).all().get();
    }
    FullDiskTest.produce(b, "s3outage", 30_000);
    String repo = "s3://outage/repo";
    try (LocalS3 outage = LocalS3.start()) {
      outage.createBucket("outage");
      assertThat(kbackup(outage, "init", "--repo", repo).exitCode()).isZero();

      CompletableFuture<CliRunner.Result> backup =
          CompletableFuture.supplyAsync(
              () -> kbackup(outage, "backup", "--repo", repo, "-b", b, "--topics", "s3outage"));
      // the backup has started and holds its lock when the server goes away
      awaitAnyFile(outage.bucketDirectory("outage").resolve("repo/locks"));
      outage.stop();
      CliRunner.Result failed = backup.get(120, TimeUnit.SECONDS);

      BadInputTest.assertOneClearError(
          failed, 1, "failed: Connection refused; is http://127.0.0.1:");
      assertThat(failed.err()).contains("nothing was committed");
      outage.restart();
      try (S3Storage storage = outage.storage(repo)) {
        assertThat(storage.list("snapshots/")).isEmpty();
        assertThat(Repository.open(storage).snapshots()).isEmpty();
      }
    }
  }

  @Test
  void badS3OptionsAreUsageErrors() {
    BadInputTest.assertOneClearError(
        kbackup(s3, "snapshots", "--repo", "s3://Not_A_Bucket/x"),
        2,
        "invalid S3 bucket name 'Not_A_Bucket'");
    BadInputTest.assertOneClearError(
        kbackup(s3, "snapshots", "--repo", "s3://b-1/x", "--s3-storage-class", "FROZEN"),
        2,
        "unknown S3 storage class FROZEN");
    BadInputTest.assertOneClearError(
        CliRunner.run("snapshots", "--repo", "s3://b-1/x", "--s3-endpoint", "localhost:9000"),
        2,
        "invalid S3 endpoint localhost:9000");
    BadInputTest.assertOneClearError(
        kbackup(s3, "snapshots", "--repo", "s3://" + BUCKET + "/nothing-here"),
        10,
        "no kbackup repository at s3://" + BUCKET + "/nothing-here");
  }

  private static Entry timeOnly(Entry e) {
    return new Entry(e.partition(), e.offset(), e.timestamp(), "", e.key(), e.value(), e.headers());
  }

  private static void awaitAnyFile(Path dir) throws Exception {
    for (int i = 0; i < 6000; i++) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          if (files.findAny().isPresent()) {
            return;
          }
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no lock appeared in " + dir);
  }
}

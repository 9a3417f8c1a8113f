package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input gets one clear line, a hint, a documented exit code and no stack trace. */
class BadInputTest {

  static LocalKafka kafka;
  @TempDir static Path dir;
  static String repo;

  @BeforeAll
  static void setUp() throws Exception {
    kafka = SharedKafka.primary();
    SampleTopics.write(kafka.bootstrapServers(), "bad-", 10);
    repo = dir.resolve("repo").toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
    CliRunner.Result backup =
        CliRunner.run(
            "backup", "--repo", repo, "-b", kafka.bootstrapServers(), "--topics", "bad-.*");
    assertThat(backup.exitCode()).as(backup.err()).isZero();
  }

  static void assertOneClearError(CliRunner.Result r, int exitCode, String message) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(exitCode);
    assertThat(r.err()).startsWith("kbackup: error: ").contains(message).contains("  hint: ");
    assertThat(r.err().lines().count()).isEqualTo(2);
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void aDemoLargerThanItsMemoryIsExit2() {
    assertOneClearError(
        CliRunner.run("demo", "--records", "300000"),
        2,
        "--records 300000 is not between 1 and 50000");
  }

  @Test
  void missingRepositoryIsExit10() {
    String missing = dir.resolve("nowhere").toString();
    assertOneClearError(
        CliRunner.run("snapshots", "--repo", missing), 10, "no kbackup repository at " + missing);
    assertOneClearError(
        CliRunner.run("backup", "--repo", missing, "-b", kafka.bootstrapServers()),
        10,
        "no kbackup repository");
  }

  @Test
  void aDirectoryThatIsNotARepositoryIsExit10() {
    assertOneClearError(
        CliRunner.run("cat", "--repo", dir.toString()), 10, "no kbackup repository at");
  }

  @Test
  void initTwiceIsRefused() {
    assertOneClearError(CliRunner.run("init", "--repo", repo), 2, "a repository already exists at");
  }

  @Test
  void unreachableBootstrapServerFailsWithinTheTimeout() {
    Instant start = Instant.now();
    CliRunner.Result r =
        CliRunner.run("backup", "--repo", repo, "-b", "127.0.0.1:1", "--timeout", "3");
    assertOneClearError(r, 1, "cannot reach Kafka at 127.0.0.1:1 within 3 s");
    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(20));
    CliRunner.Result restore =
        CliRunner.run("restore", "--repo", repo, "-b", "127.0.0.1:1", "--timeout", "2");
    assertOneClearError(restore, 1, "cannot reach Kafka at 127.0.0.1:1 within 2 s");
  }

  @Test
  void bootstrapServersKafkaCannotUseNameTheProblem() {
    assertOneClearError(
        CliRunner.run("backup", "--repo", repo, "-b", "no-such-host.invalid:9092"),
        2,
        "--bootstrap-server 'no-such-host.invalid:9092' is not valid: No resolvable bootstrap"
            + " urls given in bootstrap.servers");
    assertOneClearError(
        CliRunner.run("lag", "--repo", repo, "-b", kafka.bootstrapServers() + ","),
        2,
        "--bootstrap-server '"
            + kafka.bootstrapServers()
            + ",' is not valid: Configuration 'bootstrap.servers' values must not be empty.");
    assertOneClearError(
        CliRunner.run("backup", "--repo", repo, "-b", "localhost"),
        2,
        "--bootstrap-server 'localhost' is not valid: Invalid url in bootstrap.servers: localhost");
  }

  @Test
  void clientSettingsThatCannotWorkNameTheSettingAndNoSecret() throws Exception {
    String secret = "pw-7d2c-never-printed";
    String[][] cases = {
      {
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config="
            + "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"admin\" password=\""
            + secret
            + "\"\n",
        "Kafka client setting sasl.jaas.config is not valid: JAAS config entry not terminated by"
            + " semi-colon"
      },
      {
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config="
            + secret
            + " required password=\""
            + secret
            + "\";\n",
        "Kafka client setting sasl.jaas.config is not valid: "
      },
      {
        "security.protocol=SSL\nssl.keystore.location="
            + dir.resolve("missing.jks")
            + "\nssl.keystore.password="
            + secret
            + "\n",
        "Kafka client setting ssl.keystore.location is not valid: Failed to load SSL keystore "
            + dir.resolve("missing.jks")
            + " of type JKS: no such file"
      },
      {
        "security.protocol=SSL\nssl.truststore.location="
            + dir.resolve("not-a-store.jks")
            + "\nssl.truststore.password="
            + secret
            + "\n",
        "Kafka client setting ssl.truststore.location is not valid: Failed to load SSL keystore "
            + dir.resolve("not-a-store.jks")
            + " of type JKS"
      },
      {"security.protocol=SASL_PLAIN\n", "Kafka client setting security.protocol is not valid: "}
    };
    java.nio.file.Files.writeString(dir.resolve("not-a-store.jks"), "not a keystore");
    for (String[] c : cases) {
      Path config = java.nio.file.Files.writeString(dir.resolve("client.properties"), c[0]);
      CliRunner.Result r =
          CliRunner.run(
              "backup",
              "--repo",
              repo,
              "-b",
              kafka.bootstrapServers(),
              "--command-config",
              config.toString());
      assertOneClearError(r, 2, c[1]);
      assertThat(r.err()).doesNotContain(secret).doesNotContain("unexpected");
    }
  }

  @Test
  void invalidRegexIsExit2() {
    assertOneClearError(
        CliRunner.run(
            "backup", "--repo", repo, "-b", kafka.bootstrapServers(), "--topics", "orders[("),
        2,
        "--topics is not a valid regular expression");
    assertOneClearError(
        CliRunner.run("backup", "--repo", repo, "-b", kafka.bootstrapServers(), "--exclude", "*x"),
        2,
        "--exclude is not a valid regular expression");
  }

  @Test
  void unknownOptionIsExit2() {
    assertOneClearError(
        CliRunner.run("restore", "--repo", repo, "-b", kafka.bootstrapServers(), "--exclude", "x"),
        2,
        "Unknown options: '--exclude', 'x'");
    assertOneClearError(CliRunner.run("backup", "--repo", repo), 2, "Missing required option");
  }

  @Test
  void badOptionValuesAreExit2() {
    String b = kafka.bootstrapServers();
    assertOneClearError(
        CliRunner.run("restore", "--repo", repo, "-b", b, "--parallelism", "0"),
        2,
        "--parallelism must be at least 1");
    assertOneClearError(
        CliRunner.run("restore", "--repo", repo, "-b", b, "--if-not-empty", "merge"),
        2,
        "--if-not-empty must be fail or append, not merge");
    assertOneClearError(
        CliRunner.run("backup", "--repo", repo, "-b", b, "--timeout", "0"),
        2,
        "--timeout must be positive");
    assertOneClearError(
        CliRunner.run(
            "backup",
            "--repo",
            repo,
            "-b",
            b,
            "--command-config",
            dir.resolve("none.properties").toString()),
        2,
        "--command-config file " + dir.resolve("none.properties") + " does not exist");
    assertOneClearError(
        CliRunner.run("init", "--repo", dir.resolve("other").toString(), "--compression", "lz5"),
        2,
        "unknown compression lz5");
    assertOneClearError(
        CliRunner.run(
            "restore", "--repo", repo, "-b", b, "--topic-map", "bad-orders=x,bad-orders=y"),
        2,
        "--topic-map names topic 'bad-orders' twice");
    assertOneClearError(
        CliRunner.run(
            "restore", "--repo", repo, "-b", b, "--topic-map", "bad-orders=x,bad-audit=x"),
        2,
        "--topic-map sends two topics to the same target");
  }

  @Test
  void badOverridesAreExit2AndAnImpossibleReplicationFactorIsRefusedByKafka() {
    String b = kafka.bootstrapServers();
    assertOneClearError(
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            b,
            "--topics",
            "bad-orders",
            "--topic-map",
            "bad-orders=bad-x",
            "--config",
            "retention"),
        2,
        "--config 'retention' is not KEY=VALUE with a Kafka config name");
    assertOneClearError(
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            b,
            "--topics",
            "bad-orders",
            "--topic-map",
            "bad-orders=bad-x",
            "--replication-factor",
            "0"),
        2,
        "--replication-factor must be at least 1, not 0");
    assertOneClearError(
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            b,
            "--topics",
            "bad-orders",
            "--topic-map",
            "bad-orders=bad-rf",
            "--replication-factor",
            "3"),
        1,
        "Kafka refused to create topics:");
  }

  @Test
  void aPartitionCountThatDoesNotParseOrWouldDropPartitionsIsExit2AndCreatesNothing()
      throws Exception {
    String b = kafka.bootstrapServers();
    assertOneClearError(
        CliRunner.run(
            "restore", "--repo", repo, "-b", b, "--topics", "bad-orders", "--partitions", "many"),
        2,
        "--partitions 'many' is not N or TOPIC=N with N at least 1");
    assertOneClearError(
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            b,
            "--topics",
            "bad-orders",
            "--topic-map",
            "bad-orders=bad-fewer",
            "--partitions",
            "2"),
        2,
        "--partitions asks for 2 partitions of topic bad-orders, which has 3 in the snapshot");
    assertOneClearError(
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            b,
            "--topics",
            "bad-orders",
            "--topic-map",
            "bad-orders=bad-fewer",
            "--partitions",
            "bad-audit=4"),
        2,
        "--partitions names topic bad-audit, which is not restored from");
    try (var admin =
        org.apache.kafka.clients.admin.Admin.create(
            java.util.Map.<String, Object>of("bootstrap.servers", b))) {
      assertThat(admin.listTopics().names().get()).doesNotContain("bad-fewer");
    }
  }

  @Test
  void aLockedRepositoryIsExit11NamingTheHolderAndUnlockRemovesOnlyStaleLocks() throws Exception {
    io.kbackup.storage.FileSystemStorage storage =
        new io.kbackup.storage.FileSystemStorage(Path.of(repo));
    try (var prune =
        io.kbackup.repository.lock.RepositoryLock.acquire(
            storage, io.kbackup.repository.lock.LockKind.EXCLUSIVE, "prune")) {
      CliRunner.Result r =
          CliRunner.run(
              "backup", "--repo", repo, "-b", kafka.bootstrapServers(), "--topics", "bad-audit");
      assertOneClearError(
          r,
          11,
          "is locked by `prune` (pid "
              + ProcessHandle.current().pid()
              + " on host "
              + io.kbackup.repository.lock.RepositoryLock.thisHost());
      CliRunner.Result unlock = CliRunner.run("unlock", "--repo", repo);
      assertThat(unlock.exitCode()).isZero();
      assertThat(unlock.out()).startsWith("kept lock of `prune` (pid ");
      assertThat(io.kbackup.repository.lock.RepositoryLock.list(storage)).hasSize(1);
    }
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    String now = java.time.Instant.now().toString();
    storage.put(
        "locks/left-behind.json",
        io.kbackup.repository.Json.write(
            new io.kbackup.repository.lock.LockInfo(
                "left-behind",
                "shared",
                io.kbackup.repository.lock.RepositoryLock.thisHost(),
                gone.pid(),
                "backup",
                now,
                now)));
    CliRunner.Result unlock = CliRunner.run("unlock", "--repo", repo);
    assertThat(unlock.out().trim())
        .isEqualTo(
            "removed lock of `backup` (pid "
                + gone.pid()
                + " on host "
                + io.kbackup.repository.lock.RepositoryLock.thisHost()
                + ", since "
                + now
                + ", shared)");
    assertThat(io.kbackup.repository.lock.RepositoryLock.list(storage)).isEmpty();
  }

  @Test
  void recordsRefusedByTheTargetNameThePartitionAndTheLikelyCause() {
    CliRunner.Result r =
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            "bad-orders",
            "--topic-map",
            "bad-orders=bad-compacted",
            "--config",
            "cleanup.policy=compact",
            "--parallelism",
            "1");
    assertOneClearError(r, 1, "refused records as invalid");
    assertThat(r.err())
        .containsPattern("target partition bad-compacted-[0-2] refused records as invalid");
    assertThat(r.err()).contains("a compacted topic refuses records without a key");
  }

  @Test
  void metadataOnlyAndDataOnlyTogetherAreExit2() {
    assertOneClearError(
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--metadata-only",
            "--data-only"),
        2,
        "--metadata-only and --data-only exclude each other");
  }

  @Test
  void aPrincipalMapThatDoesNotParseIsExit2() {
    assertOneClearError(
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--principal-map",
            "alice=bob"),
        2,
        "--principal-map entry 'alice=bob' is not PRINCIPAL=PRINCIPAL");
  }

  @Test
  void brokerConfigWithABadSettingOrAnUnknownBrokerIsExit2() {
    assertOneClearError(
        CliRunner.run("broker-config", "--repo", repo, "--set", "node.id"),
        2,
        "--set 'node.id' is not KEY=VALUE");
    assertOneClearError(
        CliRunner.run("broker-config", "--repo", repo, "--broker", "77"),
        2,
        "holds no configs of broker 77");
    CliRunner.Result ok = CliRunner.run("broker-config", "--repo", repo, "--set", "node.id=9");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.out().lines()).contains("node.id=9", "process.roles=broker,controller");
  }

  @Test
  void anExistingTargetThatWouldRestampRecordsIsExit2() {
    // bad-audit exists with log-append time; appending into it would change every timestamp
    CliRunner.Result r =
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            "bad-audit",
            "--if-not-empty=append");
    assertOneClearError(r, 2, "target topic bad-audit uses message.timestamp.type=LogAppendTime");
  }

  @Test
  void aRepositoryWithoutSnapshotsHasNothingToRestore() {
    String empty = dir.resolve("empty-repo").toString();
    assertThat(CliRunner.run("init", "--repo", empty).exitCode()).isZero();
    assertOneClearError(
        CliRunner.run("restore", "--repo", empty, "-b", kafka.bootstrapServers()),
        2,
        "the repository has no snapshot yet");
  }

  @Test
  void invalidTopicMapIsExit2() {
    assertOneClearError(
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--topic-map",
            "bad-orders=a=b"),
        2,
        "--topic-map entry 'bad-orders=a=b' is not SOURCE=TARGET");
    assertOneClearError(
        CliRunner.run(
            "restore", "--repo", repo, "-b", kafka.bootstrapServers(), "--topic-map", "missing=x"),
        2,
        "--topic-map names topic missing, which is not restored");
  }

  @Test
  void noMatchingTopicIsExit2() {
    assertOneClearError(
        CliRunner.run(
            "backup",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            "no-such-topic-.*"),
        2,
        "no topic matches no-such-topic-.*");
    assertOneClearError(
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            "no-such-topic-.*"),
        2,
        "no topic of snapshot");
  }

  @Test
  void restoreIntoANonEmptyTopicIsExit2WithAHint() {
    CliRunner.Result r =
        CliRunner.run(
            "restore", "--repo", repo, "-b", kafka.bootstrapServers(), "--topics", "bad-orders");
    assertOneClearError(r, 2, "target partition bad-orders-0 already holds records");
    assertThat(r.err())
        .contains("--topic-map bad-orders=NEW_NAME")
        .contains("--if-not-empty=append");
  }

  @Test
  void restoreIntoATopicWithFewerPartitionsIsExit2() throws Exception {
    try (var admin =
        org.apache.kafka.clients.admin.Admin.create(
            java.util.Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin
          .createTopics(
              java.util.List.of(
                  new org.apache.kafka.clients.admin.NewTopic("bad-narrow", 1, (short) 1)))
          .all()
          .get();
    }
    CliRunner.Result r =
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            "bad-orders",
            "--topic-map",
            "bad-orders=bad-narrow");
    assertOneClearError(r, 2, "target topic bad-narrow has 1 partitions, the snapshot has 3");
  }

  @Test
  void badTimeIsExit2() {
    assertOneClearError(
        CliRunner.run(
            "restore", "--repo", repo, "-b", kafka.bootstrapServers(), "--to-time", "yesterday"),
        2,
        "--to-time 'yesterday' is not a time");
  }

  @Test
  void unknownSnapshotIsExit2() {
    assertOneClearError(
        CliRunner.run("cat", "--repo", repo, "--snapshot", "20200101-000000-abcdef"),
        2,
        "no snapshot 20200101-000000-abcdef");
  }

  @Test
  void verboseShowsTheStackTrace() {
    CliRunner.Result r =
        CliRunner.run("snapshots", "--verbose", "--repo", dir.resolve("nowhere").toString());
    assertThat(r.exitCode()).isEqualTo(10);
    assertThat(r.err()).contains("\tat io.kbackup.");
  }
}

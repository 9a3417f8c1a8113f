package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.repository.Json;
import io.kbackup.repository.lock.LockInfo;
import io.kbackup.repository.lock.RepositoryLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doctor} on a broker with an authorizer and SASL users names exactly the permissions a
 * principal lacks, with the command granting each; {@code backup} stops before reading anything
 * when one is missing; the repository checks find a missing repository, locks, an unwritable
 * location and a wrong passphrase.
 */
class DoctorTest {

  static final String READER_PASSWORD = "doctor-reader-9d2e";
  static LocalKafka kafka;
  @TempDir static Path dir;
  static Path adminConfig;
  static Path readerConfig;
  static String repo;

  @BeforeAll
  static void startASecuredCluster() throws Exception {
    kafka = SecuredCluster.start(dir.resolve("kafka"), "reader", READER_PASSWORD);
    SampleTopics.write(kafka.client(), "doc-", 10);
    try (Admin admin = Admin.create(kafka.client())) {
      admin
          .createAcls(
              List.of(
                  allow(ResourceType.TOPIC, "doc-orders", AclOperation.READ),
                  allow(ResourceType.CLUSTER, "kafka-cluster", AclOperation.DESCRIBE)))
          .all()
          .get();
    }
    adminConfig = SecuredCluster.write(dir.resolve("admin.properties"), kafka.adminClient());
    readerConfig =
        SecuredCluster.write(
            dir.resolve("reader.properties"), LocalKafka.saslClient("reader", READER_PASSWORD));
    repo = dir.resolve("repo").toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.stop();
    }
  }

  @Test
  void namesExactlyThePermissionsThePrincipalLacksWithTheCommandsGrantingThem() {
    CliRunner.Result r = doctor(readerConfig, "--topics", "doc-orders|doc-payments");

    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    String b = kafka.bootstrapServers();
    String grant =
        "       kafka-acls.sh --bootstrap-server "
            + b
            + " --command-config ADMIN.properties --add --allow-principal User:reader --operation ";
    assertThat(permissionLines(r.out()))
        .containsExactly(
            "FATAL  permission: User:reader may not DescribeConfigs on cluster (backup: broker"
                + " configs and client quotas)",
            grant + "DescribeConfigs --cluster",
            "FATAL  permission: User:reader may not DescribeConfigs on topic doc-orders (backup:"
                + " topic configs)",
            grant + "DescribeConfigs --topic doc-orders",
            "FATAL  permission: User:reader may not Describe on topic doc-payments (backup:"
                + " offsets)",
            grant + "Describe --topic doc-payments",
            "FATAL  permission: User:reader may not DescribeConfigs on topic doc-payments (backup:"
                + " topic configs)",
            grant + "DescribeConfigs --topic doc-payments",
            "FATAL  permission: User:reader may not Read on topic doc-payments (backup: records)",
            grant + "Read --topic doc-payments",
            "FATAL  permission: User:reader may not Describe on group doc-order-readers (backup:"
                + " committed offsets)",
            grant + "Describe --group doc-order-readers");
    assertThat(r.out()).contains("OK     cluster: id " + kafka.clusterId() + ", 1 broker");
    SecuredCluster.assertNoSecret(kafka, READER_PASSWORD, r);
  }

  @Test
  void forRestoreNamesWhatARestoreLacksAlsoOnTopicsThePrincipalCannotSee() {
    CliRunner.Result r =
        doctor(readerConfig, "--topics", "doc-orders|doc-payments", "--for", "restore");

    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(permissionLines(r.out()).stream().filter(l -> l.startsWith("FATAL")))
        .containsExactly(
            "FATAL  permission: User:reader may not Alter on cluster (restore: creating ACLs)",
            "FATAL  permission: User:reader may not AlterConfigs on cluster (restore: client"
                + " quotas)",
            "FATAL  permission: User:reader may not Create on topic doc-orders (restore: creating"
                + " the topic)",
            "FATAL  permission: User:reader may not DescribeConfigs on topic doc-orders (restore:"
                + " existing configs)",
            "FATAL  permission: User:reader may not AlterConfigs on topic doc-orders (restore:"
                + " deferred configs)",
            "FATAL  permission: User:reader may not Write on topic doc-orders (restore: records)",
            "FATAL  permission: User:reader may not Create on topic doc-payments (restore:"
                + " creating the topic)",
            "FATAL  permission: User:reader may not Describe on topic doc-payments (restore:"
                + " offsets)",
            "FATAL  permission: User:reader may not DescribeConfigs on topic doc-payments"
                + " (restore: existing configs)",
            "FATAL  permission: User:reader may not AlterConfigs on topic doc-payments (restore:"
                + " deferred configs)",
            "FATAL  permission: User:reader may not Write on topic doc-payments (restore:"
                + " records)",
            "FATAL  permission: User:reader may not Read on group doc-order-readers (restore:"
                + " setting offsets)");
  }

  @Test
  void theSuperUserLacksNothingForBackupAndRestore() {
    CliRunner.Result r = doctor(adminConfig, "--topics", "doc-.*", "--for", "backup,restore");

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .doesNotContain("FATAL")
        .contains(
            "OK     permissions: User:admin has every permission backup and restore needs on the"
                + " cluster, 3 topics and 1 consumer groups")
        .contains("OK     repository writable: ")
        .contains("OK     locks: no locks")
        .containsPattern("OK     free space: [0-9.]+ MiB free at .*; the next backup stores about");
    SecuredCluster.assertNoSecret(kafka, READER_PASSWORD, r);
  }

  @Test
  void backupStopsBeforeReadingWhenAPermissionIsMissing() throws IOException {
    CliRunner.Result r =
        CliRunner.run(
            "backup",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--command-config",
            readerConfig.toString(),
            "--topics",
            "doc-orders");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.err().lines().findFirst().orElseThrow())
        .isEqualTo(
            "kbackup: error: not authorized to back up: User:reader may not DescribeConfigs on"
                + " cluster, DescribeConfigs on topic doc-orders, Describe on group"
                + " doc-order-readers");
    assertThat(r.err())
        .contains(
            "kafka-acls.sh --bootstrap-server "
                + kafka.bootstrapServers()
                + " --command-config ADMIN.properties --add --allow-principal User:reader"
                + " --operation DescribeConfigs --topic doc-orders")
        .doesNotContain("Exception");
    assertThat(storedObjects("data")).isEmpty();
    assertThat(storedObjects("snapshots")).isEmpty();
    SecuredCluster.assertNoSecret(kafka, READER_PASSWORD, r);
  }

  @Test
  void aClusterWithoutAuthorizerIsReportedAsOpenToEveryClient() {
    LocalKafka plain = SharedKafka.primary();
    CliRunner.Result r = CliRunner.run("doctor", "--repo", repo, "-b", plain.bootstrapServers());

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains(
            "INFO   permissions: the cluster has no authorizer: every client may do everything")
        .containsPattern("OK     cluster: id .*, Kafka 4\\.4 \\(metadata\\.version 4\\.4-IV\\d\\)");
  }

  @Test
  void anUnreachableClusterIsFatalWithinTheTimeoutAndTheRepositoryIsStillChecked() {
    String checked = initRepo("unreachable");
    Instant start = Instant.now();

    CliRunner.Result r =
        CliRunner.run("doctor", "--repo", checked, "-b", "127.0.0.1:1", "--timeout", "3");

    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(20));
    assertThat(findings(r.out()))
        .containsExactly(
            "FATAL  cluster", "OK     repository", "OK     repository writable", "OK     locks");
    assertThat(r.out())
        .startsWith(
            "FATAL  cluster: cannot reach Kafka at 127.0.0.1:1 within 3 s\n"
                + "       check --bootstrap-server, that the brokers are up, and --command-config"
                + " for TLS or SASL\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aTopicNamedInTopicsThatDoesNotExistIsAWarningForABackupAndNewsForARestore()
      throws Exception {
    String forBackup =
        "WARN   topics: topic doc-missing does not exist: a backup leaves it out\n"
            + "       check the name in --topics\n";
    CliRunner.Result secured = doctor(adminConfig, "--topics", "doc-orders|doc-missing");
    CliRunner.Result restore =
        doctor(adminConfig, "--topics", "doc-orders|doc-missing", "--for", "restore");
    CliRunner.Result open =
        CliRunner.run(
            "doctor",
            "--repo",
            repo,
            "-b",
            SharedKafka.primary().bootstrapServers(),
            "--topics",
            "doc-missing");

    assertThat(secured.exitCode()).as(secured.out() + secured.err()).isZero();
    assertThat(secured.out()).contains(forBackup);
    assertThat(findings(secured.out()).stream().filter(f -> f.contains("topics")))
        .containsExactly("WARN   topics");
    assertThat(restore.exitCode()).as(restore.out() + restore.err()).isZero();
    assertThat(restore.out())
        .contains("INFO   topics: topic doc-missing does not exist: a restore creates it\n")
        .doesNotContain("WARN");
    // a principal that may see a missing topic but not create it, which a restore would do
    try (Admin admin = Admin.create(kafka.client())) {
      admin
          .createAcls(List.of(allow(ResourceType.TOPIC, "doc-absent", AclOperation.DESCRIBE)))
          .all()
          .get();
    }
    CliRunner.Result readerRestore =
        doctor(readerConfig, "--topics", "doc-absent", "--for", "restore");
    assertThat(readerRestore.exitCode()).isEqualTo(1);
    assertThat(readerRestore.out())
        .contains("INFO   topics: topic doc-absent does not exist: a restore creates it\n");
    assertThat(permissionLines(readerRestore.out()).stream().filter(l -> l.contains("doc-absent")))
        .containsExactly(
            "FATAL  permission: User:reader may not Create on topic doc-absent (restore: creating"
                + " the topic)",
            "       kafka-acls.sh --bootstrap-server "
                + kafka.bootstrapServers()
                + " --command-config ADMIN.properties --add --allow-principal User:reader"
                + " --operation Create --topic doc-absent");
    assertThat(open.exitCode()).as(open.out() + open.err()).isZero();
    assertThat(open.out()).contains(forBackup);
    assertThat(findings(open.out()))
        .containsExactly(
            "OK     cluster",
            "WARN   topics",
            "INFO   permissions",
            "OK     repository",
            "OK     repository writable",
            "OK     locks");
  }

  @Test
  void aMissingRepositoryIsAWarningWithTheInitCommand() {
    String missing = dir.resolve("no-repo").toString();
    CliRunner.Result r = doctor(adminConfig, "--repo-override", missing);

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("WARN   repository: no kbackup repository at " + missing + "\n")
        .contains("       kbackup init --repo " + missing + "\n");
  }

  @Test
  void liveAndStaleLocksAreReportedAndTheStaleOnesGetUnlockAdvice() throws Exception {
    String locked = initRepo("locked");
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    String now = Instant.now().toString();
    String host = RepositoryLock.thisHost();
    writeLock(
        locked,
        new LockInfo(
            "live-1", "exclusive", host, ProcessHandle.current().pid(), "prune", now, now));
    writeLock(locked, new LockInfo("stale-1", "shared", host, gone.pid(), "backup", now, now));

    CliRunner.Result r = doctor(adminConfig, "--repo-override", locked);

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains(
            "WARN   locked: `prune` (pid "
                + ProcessHandle.current().pid()
                + " on host "
                + host
                + ", since "
                + now
                + ", exclusive) holds the repository alone: a backup or restore now stops with"
                + " exit 11")
        .contains("WARN   stale lock: `backup` (pid " + gone.pid())
        .contains("       kbackup unlock --repo " + locked + "\n");
  }

  /**
   * Root may write anywhere, so the repository is made unwritable another real way: the directory
   * the probe object goes to is a regular file, and the file system refuses the write.
   */
  @Test
  void aRepositoryThatRefusesWritesIsFatal() throws Exception {
    String blocked = initRepo("blocked");
    Files.writeString(Path.of(blocked, "doctor"), "not a directory");

    CliRunner.Result r = doctor(adminConfig, "--repo-override", blocked);

    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("FATAL  repository writable: cannot write doctor/probe-");
  }

  /** A real read-only file system: a tmpfs remounted read-only, which root cannot write either. */
  @Test
  void aRepositoryOnAReadOnlyFileSystemIsFatal() throws Exception {
    Path mount = Files.createDirectories(dir.resolve("read-only-disk"));
    Assumptions.assumeTrue(
        FullDiskTest.run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString()) == 0,
        "mounting a tmpfs needs root");
    try {
      String readOnly = mount.resolve("repo").toString();
      assertThat(CliRunner.run("init", "--repo", readOnly).exitCode()).isZero();
      assertThat(FullDiskTest.run("mount", "-o", "remount,ro", mount.toString())).isZero();

      CliRunner.Result r = doctor(adminConfig, "--repo-override", readOnly);

      assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
      assertThat(r.out()).contains("FATAL  repository writable: cannot write doctor/probe-");
    } finally {
      FullDiskTest.run("umount", mount.toString());
    }
  }

  @Test
  void lessFreeSpaceThanTheNextBackupNeedsIsFatal() throws Exception {
    Path mount = Files.createDirectories(dir.resolve("small-disk"));
    Assumptions.assumeTrue(
        FullDiskTest.run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString()) == 0,
        "mounting a tmpfs needs root");
    try {
      LocalKafka plain = SharedKafka.primary();
      try (Admin admin =
          Admin.create(Map.<String, Object>of("bootstrap.servers", plain.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("doctor-big", 1, (short) 1))).all().get();
      }
      FullDiskTest.produce(plain.bootstrapServers(), "doctor-big", 12_000); // about 5 MiB
      String small = mount.resolve("repo").toString();
      assertThat(CliRunner.run("init", "--repo", small).exitCode()).isZero();

      CliRunner.Result r =
          CliRunner.run(
              "doctor", "--repo", small, "-b", plain.bootstrapServers(), "--topics", "doctor-big");

      assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
      assertThat(r.out())
          .containsPattern(
              "FATAL  free space: [0-9.]+ MiB free at "
                  + java.util.regex.Pattern.quote(small)
                  + "; the next backup stores about [0-9.]+ MiB \\(12000 new records\\)\n"
                  + "       free space there, or move the repository to a larger disk");
    } finally {
      FullDiskTest.run("umount", mount.toString());
    }
  }

  @Test
  void aWrongOrMissingPassphraseIsFatal() throws Exception {
    Path right = dir.resolve("right.pw");
    Path wrong = dir.resolve("wrong.pw");
    Files.writeString(right, "correct horse battery");
    Files.writeString(wrong, "incorrect");
    String encrypted = dir.resolve("encrypted").toString();
    CliRunner.Result init =
        CliRunner.run(
            "init", "--repo", encrypted, "--encrypt", "--password-file", right.toString());
    assertThat(init.exitCode()).as(init.err()).isZero();

    CliRunner.Result withWrong =
        doctor(adminConfig, "--repo-override", encrypted, "--password-file", wrong.toString());
    CliRunner.Result withRight =
        doctor(adminConfig, "--repo-override", encrypted, "--password-file", right.toString());

    assertThat(withWrong.exitCode()).isEqualTo(1);
    assertThat(withWrong.out()).contains("FATAL  passphrase: ");
    assertThat(withRight.exitCode()).as(withRight.out()).isZero();
    assertThat(withRight.out()).contains("encrypted, the passphrase given opens it");
    assertThat(withWrong.out() + withRight.out()).doesNotContain("correct horse");
  }

  /** Runs doctor against the secured cluster; {@code --repo-override R} replaces the repository. */
  private static CliRunner.Result doctor(Path clientConfig, String... more) {
    List<String> args = new ArrayList<>(List.of("doctor", "-b", kafka.bootstrapServers()));
    args.addAll(List.of("--command-config", clientConfig.toString()));
    String repository = repo;
    for (int i = 0; i < more.length; i++) {
      if (more[i].equals("--repo-override")) {
        repository = more[++i];
      } else {
        args.add(more[i]);
      }
    }
    args.addAll(List.of("--repo", repository));
    return CliRunner.run(args.toArray(String[]::new));
  }

  /** The severity and title of every finding, in order. */
  private static List<String> findings(String out) {
    return out.lines()
        .filter(l -> !l.startsWith(" "))
        .map(l -> l.substring(0, l.indexOf(':')))
        .toList();
  }

  private static List<String> permissionLines(String out) {
    List<String> lines = out.lines().toList();
    List<String> result = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("FATAL  permission")) {
        result.add(lines.get(i));
        if (i + 1 < lines.size() && lines.get(i + 1).startsWith("       ")) {
          result.add(lines.get(i + 1));
        }
      }
    }
    return result;
  }

  private static String initRepo(String name) {
    String path = dir.resolve(name).toString();
    assertThat(CliRunner.run("init", "--repo", path).exitCode()).isZero();
    return path;
  }

  private static void writeLock(String repository, LockInfo lock) throws IOException {
    Path locks = Path.of(repository, RepositoryLock.PREFIX);
    Files.createDirectories(locks);
    Files.write(locks.resolve(lock.id() + ".json"), Json.write(lock));
  }

  private static List<Path> storedObjects(String prefix) throws IOException {
    Path root = Path.of(repo, prefix);
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  private static AclBinding allow(ResourceType type, String name, AclOperation op) {
    return new AclBinding(
        new ResourcePattern(type, name, PatternType.LITERAL),
        new AccessControlEntry("User:reader", "*", op, AclPermissionType.ALLOW));
  }
}

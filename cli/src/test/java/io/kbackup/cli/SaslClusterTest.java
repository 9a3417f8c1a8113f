package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.TopicContents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster whose clients authenticate with SASL and are checked by an authorizer: the client
 * settings of {@code --command-config} reach every connection, rejected credentials and missing
 * permissions each get one clear line, and no password is ever printed.
 */
class SaslClusterTest {

  static final String READER_PASSWORD = "reader-secret-7f3a";
  static LocalKafka kafka;
  @TempDir static Path dir;
  static String repo;
  static Path adminConfig;

  @BeforeAll
  static void startASecuredCluster() throws Exception {
    kafka = SecuredCluster.start(dir.resolve("kafka"), "reader", READER_PASSWORD);
    SampleTopics.write(kafka.client(), "sasl-", 10);
    try (Admin admin = Admin.create(kafka.client())) {
      admin
          .createAcls(
              List.of(
                  new AclBinding(
                      new ResourcePattern(ResourceType.TOPIC, "sasl-orders", PatternType.LITERAL),
                      new AccessControlEntry(
                          "User:reader", "*", AclOperation.READ, AclPermissionType.ALLOW))))
          .all()
          .get();
    }
    adminConfig = SecuredCluster.write(dir.resolve("admin.properties"), kafka.adminClient());
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
  void backupAndRestoreAuthenticateWithTheCommandConfig() throws Exception {
    CliRunner.Result backup =
        CliRunner.run(
            "backup",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--command-config",
            adminConfig.toString(),
            "--topics",
            "sasl-.*");
    assertThat(backup.exitCode()).as(backup.err()).isZero();
    CliRunner.Result show = CliRunner.run("show", "--repo", repo);
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out())
        .contains("    User:reader ALLOW READ on TOPIC sasl-orders (LITERAL) from *")
        .contains("sasl-order-readers");

    // the repository is not encrypted: its ACLs are restored only when the user says so
    CliRunner.Result untrusted = restore(repo, "sasl-orders-dr");
    BadInputTest.assertOneClearError(
        untrusted,
        2,
        "holds 1 ACLs and the repository is not encrypted, so anyone who can write to it could"
            + " have put them there; nothing was restored");
    assertThat(untrusted.err()).contains("--acls-from-unencrypted-repository");
    assertThat(readerAclTopics()).containsExactly("sasl-orders");
    try (Admin admin = Admin.create(kafka.client())) {
      assertThat(admin.listTopics().names().get()).doesNotContain("sasl-orders-dr");
    }
    BadInputTest.assertOneClearError(
        restore(repo, "sasl-orders-dr", "--dry-run"), 2, "the repository is not encrypted");
    CliRunner.Result plan =
        restore(repo, "sasl-orders-dr", "--dry-run", "--acls-from-unencrypted-repository");
    assertThat(plan.out())
        .contains("would ACL ALLOW User:reader READ on TOPIC sasl-orders-dr (LITERAL, host *)");

    CliRunner.Result restore =
        restore(repo, "sasl-orders-dr", "--acls-from-unencrypted-repository");
    assertThat(restore.exitCode()).as(restore.err()).isZero();
    List<TopicContents.Entry> restored = TopicContents.read(kafka.client(), "sasl-orders-dr");
    assertThat(restored).hasSize(30).isEqualTo(TopicContents.read(kafka.client(), "sasl-orders"));
    assertThat(readerAclTopics()).containsExactlyInAnyOrder("sasl-orders", "sasl-orders-dr");
    SecuredCluster.assertNoSecret(kafka, READER_PASSWORD, backup, restore, show);
  }

  @Test
  void anEncryptedRepositoryRestoresItsAclsWithoutBeingAsked() throws Exception {
    String encrypted = dir.resolve("encrypted").toString();
    Path pass = Files.writeString(dir.resolve("pass"), "acl passphrase");
    String[] key = {"--password-file", pass.toString()};
    assertThat(CliRunner.run("init", "--repo", encrypted, "--encrypt", key[0], key[1]).exitCode())
        .isZero();
    CliRunner.Result backup =
        CliRunner.run(
            "backup",
            "--repo",
            encrypted,
            key[0],
            key[1],
            "-b",
            kafka.bootstrapServers(),
            "--command-config",
            adminConfig.toString(),
            "--topics",
            "sasl-orders");
    assertThat(backup.exitCode()).as(backup.err()).isZero();

    CliRunner.Result restore = restore(encrypted, "sasl-orders-enc", key);

    assertThat(restore.exitCode()).as(restore.err()).isZero();
    assertThat(readerAclTopics()).contains("sasl-orders", "sasl-orders-enc");
  }

  private static CliRunner.Result restore(String repository, String target, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "restore",
                "--repo",
                repository,
                "-b",
                kafka.bootstrapServers(),
                "--command-config",
                adminConfig.toString(),
                "--topics",
                "sasl-orders",
                "--topic-map",
                "sasl-orders=" + target));
    args.addAll(List.of(more));
    return CliRunner.run(args.toArray(String[]::new));
  }

  /** The topics User:reader has an ACL on. */
  private static Set<String> readerAclTopics() throws Exception {
    try (Admin admin = Admin.create(kafka.client())) {
      return admin.describeAcls(AclBindingFilter.ANY).values().get().stream()
          .filter(b -> b.entry().principal().equals("User:reader"))
          .map(b -> b.pattern().name())
          .collect(Collectors.toSet());
    }
  }

  @Test
  void rejectedCredentialsAreOneClearLine() throws IOException {
    Properties wrong = LocalKafka.saslClient(LocalKafka.ADMIN, "not-the-password");
    CliRunner.Result r =
        CliRunner.run(
            "backup",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--command-config",
            SecuredCluster.write(dir.resolve("wrong.properties"), wrong).toString(),
            "--timeout",
            "10");
    BadInputTest.assertOneClearError(r, 1, "Kafka rejected the client's credentials:");
    assertThat(r.err()).contains("sasl.jaas.config").doesNotContain("not-the-password");
  }

  @Test
  void aPrincipalWithoutPermissionIsToldWhatItMayNotDo() throws IOException {
    CliRunner.Result r =
        CliRunner.run(
            "backup",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--command-config",
            SecuredCluster.write(
                    dir.resolve("reader.properties"),
                    LocalKafka.saslClient("reader", READER_PASSWORD))
                .toString(),
            "--topics",
            "sasl-orders");
    // the backup checks its permissions first and names every missing one
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.err())
        .startsWith(
            "kbackup: error: not authorized to back up: User:reader may not Describe on cluster,"
                + " DescribeConfigs on cluster, DescribeConfigs on topic sasl-orders")
        .contains("--operation DescribeConfigs --topic sasl-orders")
        .doesNotContain("Exception");
    SecuredCluster.assertNoSecret(kafka, READER_PASSWORD, r);
  }
}

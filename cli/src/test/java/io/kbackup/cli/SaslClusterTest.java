package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.TopicContents;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
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
  void backupAndRestoreAuthenticateWithTheCommandConfig() {
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

    CliRunner.Result restore =
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--command-config",
            adminConfig.toString(),
            "--topics",
            "sasl-orders",
            "--topic-map",
            "sasl-orders=sasl-orders-dr");
    assertThat(restore.exitCode()).as(restore.err()).isZero();
    List<TopicContents.Entry> restored = TopicContents.read(kafka.client(), "sasl-orders-dr");
    assertThat(restored).hasSize(30).isEqualTo(TopicContents.read(kafka.client(), "sasl-orders"));
    SecuredCluster.assertNoSecret(kafka, READER_PASSWORD, backup, restore, show);
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

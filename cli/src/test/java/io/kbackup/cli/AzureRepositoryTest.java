package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.localkafka.TopicContents.Entry;
import io.kbackup.storage.azure.AzureStorage;
import io.kbackup.storage.azure.LocalAzurite;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The command line with repositories on a real Azure Blob service emulator (Azurite on 127.0.0.1)
 * and a real broker. Credentials reach kbackup as environment variables, given here through the
 * environment hook of {@link AzureOptions}.
 */
class AzureRepositoryTest {

  static final String CONTAINER = "kbackup-cli";
  static LocalAzurite azurite;
  static LocalKafka kafka;

  @BeforeAll
  static void start() throws Exception {
    kafka = SharedKafka.primary();
    azurite = LocalAzurite.start();
    azurite.createContainer(CONTAINER);
    AzureOptions.environment = azurite::connectionStringEnvironment;
  }

  @AfterAll
  static void stop() {
    AzureOptions.environment = System::getenv;
    if (azurite != null) {
      azurite.close();
    }
  }

  @Test
  void backupAndRestoreThroughAnAzureRepositoryKeepEveryRecord() throws Exception {
    String b = kafka.bootstrapServers();
    SampleTopics.write(b, "azrt-", 10);
    String repo = "azure://" + CONTAINER + "/prod/kafka";

    CliRunner.Result init = CliRunner.run("init", "--repo", repo);
    assertThat(init.exitCode()).as(init.err()).isZero();
    assertThat(init.out()).contains("at " + repo);
    CliRunner.Result backup =
        CliRunner.run("backup", "--repo", repo, "-b", b, "--topics", "azrt-.*");
    assertThat(backup.exitCode()).as(backup.err()).isZero();
    CliRunner.Result snapshots = CliRunner.run("snapshots", "--repo", repo);
    assertThat(snapshots.exitCode()).as(snapshots.err()).isZero();
    try (AzureStorage storage = azurite.storage(repo)) {
      assertThat(storage.list("snapshots/")).isNotEmpty();
      assertThat(storage.stat("config.json")).isPresent();
    }

    CliRunner.Result restore =
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "-b",
            b,
            "--topics",
            "azrt-.*",
            "--topic-map",
            "azrt-orders=azr-orders,azrt-payments=azr-payments,azrt-audit=azr-audit");
    assertThat(restore.exitCode()).as(restore.err()).isZero();
    assertThat(TopicContents.read(b, "azr-orders")).isEqualTo(TopicContents.read(b, "azrt-orders"));
    assertThat(TopicContents.read(b, "azr-audit"))
        .hasSameSizeAs(TopicContents.read(b, "azrt-audit"));
    // the aborted transaction left an offset gap in the source; records and order are kept
    assertThat(TopicContents.read(b, "azr-payments").stream().map(Entry::withoutOffset).toList())
        .isEqualTo(
            TopicContents.read(b, "azrt-payments").stream().map(Entry::withoutOffset).toList());
  }

  @Test
  void anAccountKeyAndAnEndpointFromTheCommandLineReachTheRepository() {
    String repo = "azure://" + CONTAINER + "/by-key";
    AzureOptions.environment =
        () ->
            Map.of(
                "AZURE_STORAGE_ACCOUNT",
                LocalAzurite.ACCOUNT,
                "AZURE_STORAGE_KEY",
                LocalAzurite.KEY);
    try {
      CliRunner.Result init =
          CliRunner.run("init", "--repo", repo, "--azure-endpoint", azurite.endpoint());
      assertThat(init.exitCode()).as(init.err()).isZero();
    } finally {
      AzureOptions.environment = azurite::connectionStringEnvironment;
    }
  }

  @Test
  void aWrongKeyFailsTheBackupWithOneClearErrorAndCommitsNothing() throws Exception {
    String repo = "azure://" + CONTAINER + "/denied";
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
    String wrong = Base64.getEncoder().encodeToString("wrong-key-value-1234".getBytes());
    AzureOptions.environment =
        () -> Map.of("AZURE_STORAGE_ACCOUNT", LocalAzurite.ACCOUNT, "AZURE_STORAGE_KEY", wrong);
    CliRunner.Result backup;
    try {
      backup =
          CliRunner.run(
              "backup",
              "--repo",
              repo,
              "-b",
              kafka.bootstrapServers(),
              "--azure-endpoint",
              azurite.endpoint());
    } finally {
      AzureOptions.environment = azurite::connectionStringEnvironment;
    }
    BadInputTest.assertOneClearError(
        backup, 1, "Azure Get Blob Properties of " + repo + "/config.json failed: HTTP 403");
    assertThat(backup.err()).contains("check the credentials").doesNotContain(wrong);
    try (AzureStorage storage = azurite.storage(repo)) {
      assertThat(storage.list("snapshots/")).isEmpty();
    }
  }

  @Test
  void missingCredentialsAndBadUrlsAreUsageErrors() {
    AzureOptions.environment = Map::of;
    try {
      BadInputTest.assertOneClearError(
          CliRunner.run("snapshots", "--repo", "azure://" + CONTAINER + "/x"),
          2,
          "no Azure credentials: set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT"
              + " with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN");
    } finally {
      AzureOptions.environment = azurite::connectionStringEnvironment;
    }
    BadInputTest.assertOneClearError(
        CliRunner.run("snapshots", "--repo", "azure://Not_A_Container/x"),
        2,
        "invalid Azure container name 'Not_A_Container'");
    BadInputTest.assertOneClearError(
        CliRunner.run("snapshots", "--repo", "azure://c-1/x", "--azure-endpoint", "localhost:1"),
        2,
        "invalid Azure endpoint localhost:1");
    BadInputTest.assertOneClearError(
        CliRunner.run("snapshots", "--repo", "azure://" + CONTAINER + "/nothing-here"),
        10,
        "no kbackup repository at azure://" + CONTAINER + "/nothing-here");
  }
}

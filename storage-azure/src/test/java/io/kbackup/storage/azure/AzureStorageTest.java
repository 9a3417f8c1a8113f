package io.kbackup.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.models.BlockList;
import com.azure.storage.blob.models.BlockListType;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.ServerProcess;
import io.kbackup.storage.Storage;
import io.kbackup.storage.StorageContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The storage contract and the Azure specifics, against a real Blob service emulator (Azurite). */
class AzureStorageTest extends StorageContract {

  static final String CONTAINER = "kbackup-test";
  static LocalAzurite azurite;

  @BeforeAll
  static void startServer() throws Exception {
    azurite = LocalAzurite.start();
    azurite.createContainer(CONTAINER);
  }

  @AfterAll
  static void stopServer() {
    if (azurite != null) {
      azurite.close();
    }
  }

  @Override
  protected Storage newStorage() {
    return azurite.storage("azure://" + CONTAINER + "/test-" + UUID.randomUUID());
  }

  @Test
  void objectsLiveUnderThePrefixAndTheLocationIsTheUrl() throws Exception {
    try (AzureStorage a = azurite.storage("azure://" + CONTAINER + "/team-a/kafka/");
        AzureStorage b = azurite.storage("azure://" + CONTAINER + "/team-a/kafka-2");
        AzureStorage whole = azurite.storage("azure://" + CONTAINER)) {
      a.put("snapshots/1.json", bytes("a"));
      b.put("snapshots/1.json", bytes("b"));
      assertThat(a.location()).isEqualTo("azure://kbackup-test/team-a/kafka");
      assertThat(a.list("")).containsExactly(new ObjectInfo("snapshots/1.json", 1));
      assertThat(a.readAll("snapshots/1.json")).isEqualTo(bytes("a"));
      assertThat(whole.stat("team-a/kafka/snapshots/1.json")).isPresent();
    }
  }

  @Test
  void aFileAboveTheBlockSizeGoesUpInBlocksCommittedTogether() throws Exception {
    byte[] content = new byte[(5 << 20) / 2];
    new Random(7).nextBytes(content);
    Path file = Files.write(scratch.resolve("b.seg"), content);
    try (AzureStorage small =
        AzureStorage.builder("azure://" + CONTAINER + "/blocks")
            .endpoint(azurite.endpoint())
            .accountKey(LocalAzurite.ACCOUNT, LocalAzurite.KEY)
            .blockSize(1 << 20)
            .build()) {
      small.put("data/t/0/b.seg", file);
      assertThat(small.readAll("data/t/0/b.seg")).isEqualTo(content);
    }
    BlockList blocks =
        azurite
            .container(CONTAINER)
            .getBlobClient("blocks/data/t/0/b.seg")
            .getBlockBlobClient()
            .listBlocks(BlockListType.ALL);
    assertThat(blocks.getCommittedBlocks()).hasSize(3);
    assertThat(blocks.getUncommittedBlocks()).isEmpty();
  }

  @Test
  void lastModifiedIsTheTimeOfTheLastPut() throws Exception {
    Instant before = Instant.now().minusSeconds(5);
    storage.put("locks/l.json", bytes("lock"));
    assertThat(storage.lastModified("locks/l.json"))
        .hasValueSatisfying(t -> assertThat(t).isBetween(before, Instant.now().plusSeconds(5)));
    assertThat(storage.lastModified("locks/none.json")).isEmpty();
  }

  @Test
  void credentialsComeFromTheEnvironmentByTheDocumentedRules() throws Exception {
    try (AzureStorage viaConnectionString =
        AzureStorage.builder("azure://" + CONTAINER + "/env")
            .credentialsFrom(azurite.connectionStringEnvironment())
            .build()) {
      viaConnectionString.put("a", bytes("x"));
    }
    try (AzureStorage viaKey =
        AzureStorage.builder("azure://" + CONTAINER + "/env")
            .endpoint(azurite.endpoint())
            .credentialsFrom(
                Map.of(
                    "AZURE_STORAGE_ACCOUNT", LocalAzurite.ACCOUNT,
                    "AZURE_STORAGE_KEY", LocalAzurite.KEY))
            .build()) {
      assertThat(viaKey.readAll("a")).isEqualTo(bytes("x"));
    }
    assertThatThrownBy(() -> AzureStorage.builder("azure://c-1/x").credentialsFrom(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "no Azure credentials: set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT"
                + " with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN");
    assertThatThrownBy(
            () ->
                AzureStorage.builder("azure://c-1/x")
                    .credentialsFrom(Map.of("AZURE_STORAGE_KEY", "a2V5")))
        .hasMessage("AZURE_STORAGE_KEY is set but AZURE_STORAGE_ACCOUNT is not");
  }

  @Test
  void urlsAndEndpointsAreChecked() {
    assertThatThrownBy(() -> AzureStorage.builder("azure://Bad_Container/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid Azure container name 'Bad_Container'");
    assertThatThrownBy(() -> AzureStorage.builder("azure://a--b/x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AzureStorage.builder("azure://container/a/../b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AzureStorage.builder("azure://container").endpoint("127.0.0.1:10000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid Azure endpoint");
    assertThatThrownBy(
            () ->
                AzureStorage.builder("azure://container")
                    .endpoint("https://acct.blob.core.windows.net/?sv=2024&sig=secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not carry a query")
        .message()
        .doesNotContain("secret");
  }

  @Test
  void aMissingContainerIsNamedInTheError() throws Exception {
    try (AzureStorage missing = azurite.storage("azure://no-such-container/repo")) {
      assertThatThrownBy(() -> missing.put("config.json", bytes("{}")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("azure://no-such-container/repo/config.json")
          .hasMessageContaining("HTTP 404 ContainerNotFound")
          .hasMessageContaining("create the container or check --repo");
      assertThatThrownBy(() -> missing.list("snapshots/"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("ContainerNotFound");
      assertThatThrownBy(() -> missing.stat("config.json"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("HTTP 404 ContainerNotFound");
    }
  }

  @Test
  void aWrongKeyIsReportedAsDeniedWithoutTheKey() throws Exception {
    String wrongKey = Base64.getEncoder().encodeToString(bytes("not-the-key-" + UUID.randomUUID()));
    try (AzureStorage denied =
        AzureStorage.builder("azure://" + CONTAINER + "/denied")
            .endpoint(azurite.endpoint())
            .accountKey(LocalAzurite.ACCOUNT, wrongKey)
            .build()) {
      assertThatThrownBy(() -> denied.put("config.json", bytes("{}")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Azure Put Blob of azure://kbackup-test/denied/config.json failed")
          .hasMessageContaining("HTTP 403 AuthorizationFailure")
          .hasMessageContaining("check the credentials")
          .message()
          .doesNotContain(wrongKey);
      assertThatThrownBy(() -> denied.stat("config.json"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("HTTP 403");
    }
  }

  @Test
  void anUnreachableServerFailsAfterRetriesWithBackoff() throws Exception {
    String endpoint = "http://127.0.0.1:" + ServerProcess.freePort() + "/" + LocalAzurite.ACCOUNT;
    try (AzureStorage storage =
        AzureStorage.builder("azure://" + CONTAINER + "/gone")
            .endpoint(endpoint)
            .accountKey(LocalAzurite.ACCOUNT, LocalAzurite.KEY)
            .maxAttempts(3)
            .retryDelay(Duration.ofMillis(200))
            .build()) {
      Instant start = Instant.now();
      assertThatThrownBy(() -> storage.put("data/x", bytes("x")))
          .isInstanceOf(IOException.class)
          .hasMessage(
              "Azure Put Blob of azure://kbackup-test/gone/data/x failed: could not connect; is "
                  + endpoint
                  + " reachable?");
      assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(30));
    }
  }

  @Test
  void spoolFilesLiveInOneLocalDirectoryThatCloseRemoves() throws Exception {
    Path dir;
    try (AzureStorage storage = azurite.storage("azure://" + CONTAINER + "/spool")) {
      dir = storage.scratchDirectory();
      assertThat(storage.scratchDirectory()).isEqualTo(dir);
      Path spooled = Files.write(dir.resolve("segment-1.tmp"), bytes("segment"));
      storage.put("data/t/0/a.seg", spooled);
      assertThat(storage.readAll("data/t/0/a.seg")).isEqualTo(bytes("segment"));
    }
    assertThat(dir).doesNotExist();
  }
}

package io.kbackup.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Commit points and retries on a Blob service that fails after storing (a stand-in server). */
class AzureCommitPointTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aTransientServerErrorIsRetried() throws Exception {
    try (StandInAzure server = new StandInAzure(2);
        AzureStorage storage = server.storage()) {
      storage.put("data/t/0/a.seg", bytes("segment"));
      assertThat(server.puts).hasValue(3);
      assertThat(storage.readAll("data/t/0/a.seg")).isEqualTo(bytes("segment"));
    }
  }

  @Test
  void aCommitStoredButAnsweredWithAnErrorCountsAsWrittenAfterTheRetry() throws Exception {
    try (StandInAzure server = new StandInAzure(1);
        AzureStorage storage = server.storage()) {
      // the first attempt stores the manifest and fails; the retry finds it with our bytes
      assertThat(storage.putIfAbsent("snapshots/s.json", bytes("{\"id\":\"s\"}"))).isTrue();
      assertThat(server.puts).hasValue(2);
      assertThat(storage.putIfAbsent("snapshots/s.json", bytes("{\"id\":\"s\"}"))).isFalse();
      assertThat(storage.putIfAbsent("snapshots/s.json", bytes("{\"id\":\"other\"}"))).isFalse();
      assertThat(storage.readAll("snapshots/s.json")).isEqualTo(bytes("{\"id\":\"s\"}"));
    }
  }
}

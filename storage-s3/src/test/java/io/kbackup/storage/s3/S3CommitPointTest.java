package io.kbackup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the S3 backend does with servers that misbehave in ways a real one rarely shows on demand:
 * ignoring conditional writes, or storing a commit point and then answering with an error.
 */
class S3CommitPointTest {

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aServerThatIgnoresConditionalWritesIsRefusedBeforeAnyCommit() throws Exception {
    try (StandInS3 server = new StandInS3(false, path -> false);
        S3Storage storage = server.storage()) {
      assertThatThrownBy(() -> storage.putIfAbsent("snapshots/s.json", bytes("{}")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(
              "the S3 server at "
                  + server.endpoint()
                  + " ignores conditional writes (If-None-Match: *)");
      assertThat(server.putPaths).isNotEmpty().noneMatch(path -> path.contains("snapshots"));
    }
  }

  @Test
  void aServerThatIgnoresConditionalCompletesIsRefusedBeforeALargeObjectIsWritten(@TempDir Path dir)
      throws Exception {
    Path large = largeFile(dir);
    try (StandInS3 server = new StandInS3(true, path -> false);
        S3Storage storage = server.storage()) {
      server.honoursIfNoneMatchOnComplete = false;
      storage.put("data/t/0/a.seg", bytes("existing"));
      assertThatThrownBy(() -> storage.putIfAbsent("data/t/0/a.seg", large))
          .isInstanceOf(IOException.class)
          .hasMessage(
              "the S3 server at "
                  + server.endpoint()
                  + " ignores conditional writes (If-None-Match: *) on CompleteMultipartUpload,"
                  + " which kbackup needs to write large objects without replacing any; use a"
                  + " server that supports them");
      assertThat(storage.readAll("data/t/0/a.seg")).isEqualTo(bytes("existing"));
      assertThat(server.paths()).containsExactly("/stand-in/repo/data/t/0/a.seg");
    }
  }

  @Test
  void aLargeObjectGoesUpInPartsOnlyWhereThereIsNone(@TempDir Path dir) throws Exception {
    Path large = largeFile(dir);
    try (StandInS3 server = new StandInS3(true, path -> false);
        S3Storage storage = server.storage()) {
      assertThat(storage.putIfAbsent("data/t/0/a.seg", large)).isTrue();
      assertThat(storage.putIfAbsent("data/t/0/a.seg", Files.write(dir.resolve("b"), bytes("b"))))
          .isFalse();
      storage.put("data/t/0/b.seg", bytes("existing"));
      assertThat(storage.putIfAbsent("data/t/0/b.seg", large)).isFalse();
      assertThat(storage.readAll("data/t/0/a.seg")).isEqualTo(Files.readAllBytes(large));
      assertThat(storage.readAll("data/t/0/b.seg")).isEqualTo(bytes("existing"));
      assertThat(server.paths())
          .containsExactlyInAnyOrder(
              "/stand-in/repo/data/t/0/a.seg", "/stand-in/repo/data/t/0/b.seg");
    }
  }

  /** A file one byte above the part size, so that it goes up in two parts. */
  private static Path largeFile(Path dir) throws IOException {
    byte[] content = new byte[(int) S3StorageBuilder.DEFAULT_PART_SIZE + 1];
    new java.util.Random(3).nextBytes(content);
    return Files.write(dir.resolve("large.seg"), content);
  }

  @Test
  void aCommitStoredButAnsweredWithAnErrorCountsAsWrittenAfterTheRetry() throws Exception {
    try (StandInS3 server = new StandInS3(true, path -> path.endsWith("snapshots/s.json"));
        S3Storage storage = server.storage()) {
      // the first attempt stores the manifest and fails; the retry finds it with our bytes
      assertThat(storage.putIfAbsent("snapshots/s.json", bytes("{\"id\":\"s\"}"))).isTrue();
      assertThat(storage.putIfAbsent("snapshots/s.json", bytes("{\"id\":\"s\"}"))).isFalse();
      assertThat(storage.putIfAbsent("snapshots/s.json", bytes("{\"id\":\"other\"}"))).isFalse();
    }
  }

  @Test
  void everyUploadCarriesACrc32cChecksum(@TempDir Path dir) throws Exception {
    try (StandInS3 server = new StandInS3(true, path -> false)) {
      try (S3Storage storage = server.storage()) {
        storage.put("snapshots/s.json", bytes("{}"));
        storage.put("data/t/0/a.seg", Files.write(dir.resolve("a.seg"), bytes("segment")));
      }
      assertThat(server.putHeaders).hasSize(2);
      for (Headers h : server.putHeaders) {
        String checksum = h.getFirst("x-amz-checksum-crc32c");
        String trailer = h.getFirst("x-amz-trailer");
        assertThat(checksum != null || "x-amz-checksum-crc32c".equals(trailer))
            .as("CRC32C checksum header or trailer in %s", h.keySet())
            .isTrue();
      }
    }
  }
}

package io.kbackup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.Storage;
import io.kbackup.storage.StorageContract;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The storage contract and the S3 specifics, against a real S3-compatible server (s3proxy). */
class S3StorageTest extends StorageContract {

  static final String BUCKET = "kbackup-test";
  static LocalS3 s3;

  @BeforeAll
  static void startServer() throws Exception {
    s3 = LocalS3.start();
    s3.createBucket(BUCKET);
  }

  @AfterAll
  static void stopServer() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Override
  protected Storage newStorage() {
    return s3.storage("s3://" + BUCKET + "/test-" + UUID.randomUUID());
  }

  @Test
  void objectsLiveUnderThePrefixAndTheLocationIsTheUrl() throws Exception {
    try (S3Storage a = s3.storage("s3://" + BUCKET + "/team-a/kafka/");
        S3Storage b = s3.storage("s3://" + BUCKET + "/team-a/kafka-2")) {
      a.put("snapshots/1.json", bytes("a"));
      b.put("snapshots/1.json", bytes("b"));
      assertThat(a.location()).isEqualTo("s3://kbackup-test/team-a/kafka");
      assertThat(a.list("")).containsExactly(new ObjectInfo("snapshots/1.json", 1));
      assertThat(a.readAll("snapshots/1.json")).isEqualTo(bytes("a"));
      assertThat(Files.exists(s3.bucketDirectory(BUCKET).resolve("team-a/kafka/snapshots/1.json")))
          .isTrue();
    }
  }

  @Test
  void aRepositoryMayTakeAWholeBucket() throws Exception {
    s3.createBucket("kbackup-whole");
    try (S3Storage whole = s3.storage("s3://kbackup-whole")) {
      assertThat(whole.putIfAbsent("config.json", bytes("{}"))).isTrue();
      assertThat(whole.location()).isEqualTo("s3://kbackup-whole");
      assertThat(whole.list("")).containsExactly(new ObjectInfo("config.json", 2));
    }
  }

  @Test
  void dataObjectsGoToTheChosenStorageClass() throws Exception {
    try (S3Storage cold =
        S3Storage.builder("s3://" + BUCKET + "/cold")
            .endpoint(s3.endpoint())
            .region("us-east-1")
            .pathStyle(true)
            .credentials(s3.credentials())
            .dataStorageClass("STANDARD_IA")
            .build()) {
      cold.put("data/t/0/a.seg", bytes("segment"));
      cold.put("snapshots/s.json", bytes("manifest"));
      assertThat(cold.readAll("data/t/0/a.seg")).isEqualTo(bytes("segment"));
      assertThat(cold.readAll("snapshots/s.json")).isEqualTo(bytes("manifest"));
    }
    assertThatThrownBy(() -> S3Storage.builder("s3://b-1/x").dataStorageClass("FROZEN"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown S3 storage class FROZEN")
        .hasMessageContaining("STANDARD_IA");
  }

  @Test
  void urlsAndEndpointsAreChecked() {
    assertThatThrownBy(() -> S3Storage.builder("s3://Bad_Bucket/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid S3 bucket name 'Bad_Bucket'");
    assertThatThrownBy(() -> S3Storage.builder("s3://bucket/a/../b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> S3Storage.builder("s3://bucket").endpoint("127.0.0.1:9000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid S3 endpoint");
  }

  @Test
  void aMissingBucketIsNamedInTheError() throws Exception {
    try (S3Storage missing = s3.storage("s3://no-such-bucket/repo")) {
      assertThatThrownBy(() -> missing.put("config.json", bytes("{}")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("s3://no-such-bucket/repo/config.json")
          .hasMessageContaining("HTTP 404 NoSuchBucket")
          .hasMessageContaining("the bucket does not exist");
      assertThatThrownBy(() -> missing.list("snapshots/"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("NoSuchBucket");
    }
  }

  @Test
  void aWrongSecretKeyIsReportedAsDeniedWithoutTheSecret() throws Exception {
    String wrongSecret = "not-the-secret-" + UUID.randomUUID();
    try (S3Storage denied =
        S3Storage.builder("s3://" + BUCKET + "/denied")
            .endpoint(s3.endpoint())
            .region("us-east-1")
            .pathStyle(true)
            .credentials(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(LocalS3.ACCESS_KEY, wrongSecret)))
            .build()) {
      assertThatThrownBy(() -> denied.put("config.json", bytes("{}")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("HTTP 403 SignatureDoesNotMatch")
          .hasMessageContaining("check the credentials")
          .message()
          .doesNotContain(wrongSecret);
      assertThatThrownBy(() -> denied.stat("config.json"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("HTTP 403");
    }
  }

  @Test
  void anUnreachableServerFailsAfterRetriesWithBackoff() throws Exception {
    String endpoint;
    try (LocalS3 gone = LocalS3.start()) {
      endpoint = gone.endpoint();
    }
    try (S3Storage storage =
        S3Storage.builder("s3://" + BUCKET + "/gone")
            .endpoint(endpoint)
            .pathStyle(true)
            .credentials(s3.credentials())
            .maxAttempts(3)
            .build()) {
      Instant start = Instant.now();
      assertThatThrownBy(() -> storage.put("data/x", bytes("x")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("S3 PutObject of s3://kbackup-test/gone/data/x failed")
          .hasMessageContaining("is " + endpoint + " reachable?");
      assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(30));
    }
  }

  /**
   * A stand-in for a non-conforming S3 server on 127.0.0.1: every PUT succeeds, If-None-Match or
   * not, and its path and headers are kept.
   */
  static HttpServer acceptEveryPut(List<String> paths, List<Headers> headers) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          if (exchange.getRequestMethod().equals("PUT")) {
            paths.add(exchange.getRequestURI().getPath());
            headers.add(exchange.getRequestHeaders());
            exchange.getResponseHeaders().add("ETag", "\"0\"");
            exchange.sendResponseHeaders(200, -1);
          } else {
            exchange.sendResponseHeaders(204, -1);
          }
          exchange.close();
        });
    server.start();
    return server;
  }

  static S3Storage storageAt(HttpServer server) {
    return S3Storage.builder("s3://fake/repo")
        .endpoint("http://127.0.0.1:" + server.getAddress().getPort())
        .region("us-east-1")
        .pathStyle(true)
        .credentials(s3.credentials())
        .build();
  }

  @Test
  void aServerThatIgnoresConditionalWritesIsRefusedBeforeAnyCommit() throws Exception {
    List<String> puts = new CopyOnWriteArrayList<>();
    HttpServer server = acceptEveryPut(puts, new CopyOnWriteArrayList<>());
    try (S3Storage storage = storageAt(server)) {
      assertThatThrownBy(() -> storage.putIfAbsent("snapshots/s.json", bytes("{}")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(
              "the S3 server at http://127.0.0.1:"
                  + server.getAddress().getPort()
                  + " ignores conditional writes (If-None-Match: *)");
      assertThat(puts).isNotEmpty().noneMatch(path -> path.contains("snapshots"));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void everyUploadCarriesACrc32cChecksum() throws Exception {
    List<Headers> headers = new CopyOnWriteArrayList<>();
    HttpServer server = acceptEveryPut(new CopyOnWriteArrayList<>(), headers);
    try (S3Storage storage = storageAt(server)) {
      storage.put("snapshots/s.json", bytes("{}"));
      storage.put("data/t/0/a.seg", Files.write(scratch.resolve("a.seg"), bytes("segment")));
    } finally {
      server.stop(0);
    }
    assertThat(headers).hasSize(2);
    for (Headers h : headers) {
      String checksum = h.getFirst("x-amz-checksum-crc32c");
      String trailer = h.getFirst("x-amz-trailer");
      assertThat(checksum != null || "x-amz-checksum-crc32c".equals(trailer))
          .as("CRC32C checksum header or trailer in %s", h.keySet())
          .isTrue();
    }
  }

  @Test
  void spoolFilesLiveInOneLocalDirectoryThatCloseRemoves() throws Exception {
    Path dir;
    try (S3Storage storage = s3.storage("s3://" + BUCKET + "/spool")) {
      dir = storage.scratchDirectory();
      assertThat(storage.scratchDirectory()).isEqualTo(dir);
      Path spooled = Files.write(dir.resolve("segment-1.tmp"), bytes("segment"));
      storage.put("data/t/0/a.seg", spooled);
      assertThat(storage.readAll("data/t/0/a.seg")).isEqualTo(bytes("segment"));
    }
    assertThat(dir).doesNotExist();
  }
}

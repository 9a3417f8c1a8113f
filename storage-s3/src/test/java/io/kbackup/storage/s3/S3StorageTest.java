package io.kbackup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.Storage;
import io.kbackup.storage.StorageContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
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
          .hasMessageContaining("create the bucket or check --repo");
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

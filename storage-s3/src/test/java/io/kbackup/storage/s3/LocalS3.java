package io.kbackup.storage.s3;

import io.kbackup.storage.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for tests: s3proxy with its file-system backend, run from its
 * self-contained jar (a Maven test dependency, path in the system property {@code s3proxy.jar}) as
 * a child process on 127.0.0.1 and a free port. Stop it with {@link #close()}; it can be stopped
 * and started again over the same data to play an outage.
 */
public final class LocalS3 implements AutoCloseable {

  public static final String ACCESS_KEY = "kbackup-test-access-key";
  public static final String SECRET_KEY = "kbackup-test-secret-key";

  private final Path dir;
  private ServerProcess server;
  private int port;

  private LocalS3(Path dir) {
    this.dir = dir;
  }

  /** Starts a server with no buckets. */
  public static LocalS3 start() throws IOException {
    LocalS3 s3 = new LocalS3(Files.createTempDirectory("kbackup-test-s3"));
    Files.createDirectories(s3.dir.resolve("data"));
    s3.startServer();
    return s3;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  public void createBucket(String bucket) {
    try (S3Client client =
        S3Client.builder()
            .endpointOverride(java.net.URI.create(endpoint()))
            .forcePathStyle(true)
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials())
            .build()) {
      client.createBucket(b -> b.bucket(bucket));
    }
  }

  /** Storage at {@code s3://bucket/prefix} on this server, with the test credentials. */
  public S3Storage storage(String url) {
    return S3Storage.builder(url)
        .endpoint(endpoint())
        .region("us-east-1")
        .pathStyle(true)
        .credentials(credentials())
        .build();
  }

  /** The directory that holds the bucket's objects as files. */
  public Path bucketDirectory(String bucket) {
    return dir.resolve("data").resolve(bucket);
  }

  /** Stops the server, keeping its data. */
  public void stop() {
    if (server != null) {
      server.stop();
      server = null;
    }
  }

  /** Kills the server with SIGKILL, as a crash would end it, keeping its data. */
  public void kill() {
    if (server != null) {
      server.kill();
      server = null;
    }
  }

  /** Starts the server again over the same data, on a new port. */
  public void restart() throws IOException {
    stop();
    startServer();
  }

  @Override
  public void close() {
    stop();
    ServerProcess.deleteTree(dir);
  }

  private void startServer() throws IOException {
    String jar = System.getProperty("s3proxy.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "system property s3proxy.jar does not name the s3proxy jar; run the tests with Maven");
    }
    port = ServerProcess.freePort();
    Path properties = dir.resolve("s3proxy.conf");
    Files.write(
        properties,
        List.of(
            "s3proxy.endpoint=" + endpoint(),
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + ACCESS_KEY,
            "s3proxy.credential=" + SECRET_KEY,
            "jclouds.provider=filesystem",
            "jclouds.filesystem.basedir=" + dir.resolve("data")));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    server =
        ServerProcess.start(
            "s3proxy",
            new ProcessBuilder(
                java.toString(), "-Xmx256m", "-jar", jar, "--properties", properties.toString()),
            port,
            dir.resolve("s3proxy.log"));
  }
}

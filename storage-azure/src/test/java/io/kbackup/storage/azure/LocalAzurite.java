package io.kbackup.storage.azure;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.kbackup.storage.ServerProcess;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Azure Blob Storage emulator for tests: Azurite (npm package {@code azurite}, version
 * {@value #VERSION}), installed with npm on first use into the directory named by the system
 * property {@code azurite.dir} (default {@code target/azurite}), and run with Node as a child
 * process on 127.0.0.1 and a free port, its data in a temporary directory. Stop it with {@link
 * #close()}.
 */
public final class LocalAzurite implements AutoCloseable {

  static final String VERSION = "3.37.0";

  /** Azurite's well-known development account and key (published in Azure's documentation). */
  public static final String ACCOUNT = "devstoreaccount1";

  public static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private final Path dir;
  private final int port;
  private final ServerProcess server;

  private LocalAzurite(Path dir, int port, ServerProcess server) {
    this.dir = dir;
    this.port = port;
    this.server = server;
  }

  /** Starts an emulator with no containers, installing Azurite first if needed. */
  public static LocalAzurite start() throws IOException {
    Path main = install();
    Path dir = Files.createTempDirectory("kbackup-test-azurite");
    int port = ServerProcess.freePort();
    ProcessBuilder command =
        new ProcessBuilder(
            "node",
            main.toString(),
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            Integer.toString(port),
            "--location",
            dir.resolve("data").toString(),
            "--skipApiVersionCheck",
            "--disableTelemetry",
            "--silent");
    return new LocalAzurite(
        dir, port, ServerProcess.start("Azurite", command, port, dir.resolve("azurite.log")));
  }

  /** The Blob service endpoint, account included, as {@code --azure-endpoint} takes it. */
  public String endpoint() {
    return "http://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  /** The environment variables of a connection string for this emulator. */
  public Map<String, String> connectionStringEnvironment() {
    return Map.of(
        AzureStorageBuilder.CONNECTION_STRING,
        "DefaultEndpointsProtocol=http;AccountName="
            + ACCOUNT
            + ";AccountKey="
            + KEY
            + ";BlobEndpoint="
            + endpoint()
            + ";");
  }

  public void createContainer(String container) {
    container(container).create();
  }

  /** A plain SDK client of a container, to look at blobs as the service keeps them. */
  public BlobContainerClient container(String container) {
    return new BlobServiceClientBuilder()
        .endpoint(endpoint())
        .credential(new StorageSharedKeyCredential(ACCOUNT, KEY))
        .buildClient()
        .getBlobContainerClient(container);
  }

  /** Storage at {@code azure://container/prefix} on this emulator, with the account key. */
  public AzureStorage storage(String url) {
    return AzureStorage.builder(url).endpoint(endpoint()).accountKey(ACCOUNT, KEY).build();
  }

  @Override
  public void close() {
    server.stop();
    ServerProcess.deleteTree(dir);
  }

  /**
   * Installs the pinned Azurite with npm unless it is there already; a file lock keeps two test
   * JVMs from installing at once. Returns the script that starts the Blob service.
   */
  private static Path install() throws IOException {
    Path home = Path.of(System.getProperty("azurite.dir", "target/azurite")).toAbsolutePath();
    Path main = home.resolve("node_modules/azurite/dist/src/blob/main.js");
    Path packageJson = home.resolve("node_modules/azurite/package.json");
    Files.createDirectories(home);
    try (FileChannel lockFile =
            FileChannel.open(
                home.resolveSibling("azurite.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      if (Files.isRegularFile(main)
          && Files.readString(packageJson).contains("\"version\": \"" + VERSION + "\"")) {
        return main;
      }
      Path log = home.resolveSibling("azurite-npm-install.log");
      List<String> command =
          List.of(
              "npm",
              "install",
              "--prefix",
              home.toString(),
              "--no-audit",
              "--no-fund",
              "--loglevel=error",
              "azurite@" + VERSION);
      Process npm =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!npm.waitFor(10, TimeUnit.MINUTES)) {
        npm.destroyForcibly();
        throw new IOException("npm install of azurite took over 10 minutes; see " + log);
      }
      if (npm.exitValue() != 0 || !Files.isRegularFile(main)) {
        throw new IOException(
            "npm install of azurite@" + VERSION + " failed: " + Files.readString(log));
      }
      return main;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while installing Azurite", e);
    }
  }
}

package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.storage.Storage;
import io.kbackup.storage.azure.LocalAzurite;
import io.kbackup.storage.s3.LocalS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that works on a repository, on each object store against its real server: an
 * encrypted repository is backed up into, verified, copied to a local one, thinned out by forget
 * and prune, and restored from, exactly.
 */
class ObjectStoreLifecycleTest {

  static LocalS3 s3;
  static LocalAzurite azurite;
  static String bootstrap;
  @TempDir static Path dir;
  static Path passphrase;

  @BeforeAll
  static void start() throws Exception {
    bootstrap = SharedKafka.primary().bootstrapServers();
    SampleTopics.write(bootstrap, "life-", 20);
    passphrase = Files.writeString(dir.resolve("passphrase"), "lifecycle passphrase");
    s3 = LocalS3.start();
    s3.createBucket("life");
    System.setProperty("aws.accessKeyId", LocalS3.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", LocalS3.SECRET_KEY);
    azurite = LocalAzurite.start();
    azurite.createContainer("life");
    AzureOptions.environment = azurite::connectionStringEnvironment;
  }

  @AfterAll
  static void stop() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    AzureOptions.environment = System::getenv;
    if (s3 != null) {
      s3.close();
    }
    if (azurite != null) {
      azurite.close();
    }
  }

  @Test
  void s3() throws Exception {
    lifecycle(
        "s3://life/kafka",
        List.of("--s3-endpoint", s3.endpoint(), "--s3-path-style"),
        url -> s3.storage(url),
        "life-orders-s3");
  }

  @Test
  void azure() throws Exception {
    lifecycle("azure://life/kafka", List.of(), url -> azurite.storage(url), "life-orders-azure");
  }

  private void lifecycle(
      String repo, List<String> storeOptions, Function<String, Storage> raw, String restoredTopic)
      throws Exception {
    String b = bootstrap;
    assertOk(run(storeOptions, "init", "--repo", repo, "--encrypt"));
    assertOk(run(storeOptions, "backup", "--repo", repo, "-b", b, "--topics", "life-orders"));
    assertOk(run(storeOptions, "backup", "--repo", repo, "-b", b, "--topics", "life-.*"));
    CliRunner.Result verify = run(storeOptions, "verify", "--repo", repo, "--level", "2");
    assertOk(verify);
    assertThat(verify.out()).contains("verified 2 snapshots at level 2").contains("no problems");

    String local = dir.resolve("copy-of-" + restoredTopic).toString();
    assertOk(CliRunner.run("init", "--repo", local));
    CliRunner.Result copy = run(storeOptions, "copy", "--repo", repo, "--to", local);
    assertOk(copy);
    assertThat(copy.out().lines().filter(l -> l.startsWith("copied snapshot "))).hasSize(2);
    assertOk(CliRunner.run("verify", "--repo", local, "--level", "2"));

    // a left-over no snapshot lists, as a backup that died leaves behind
    try (Storage store = raw.apply(repo)) {
      store.put("data/life-orders/0/left-over.seg", new byte[] {1, 2, 3});
    }
    CliRunner.Result forget =
        run(storeOptions, "forget", "--repo", repo, "--keep-last", "1", "--prune", "--grace", "0h");
    assertOk(forget);
    assertThat(forget.out()).contains("removed 1 snapshot, kept 1").contains("deleted 1 object ");
    try (Storage store = raw.apply(repo)) {
      assertThat(store.stat("data/life-orders/0/left-over.seg")).isEmpty();
    }
    assertOk(run(storeOptions, "verify", "--repo", repo, "--level", "2"));
    assertOk(
        run(
            storeOptions,
            "restore",
            "--repo",
            repo,
            "-b",
            b,
            "--topics",
            "life-orders",
            "--topic-map",
            "life-orders=" + restoredTopic,
            "--data-only"));
    assertThat(TopicContents.read(b, restoredTopic))
        .isEqualTo(TopicContents.read(b, "life-orders"));
  }

  private static CliRunner.Result run(List<String> storeOptions, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(storeOptions);
    all.addAll(List.of("--password-file", passphrase.toString()));
    return CliRunner.run(all.toArray(String[]::new));
  }

  private static void assertOk(CliRunner.Result r) {
    assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
  }
}

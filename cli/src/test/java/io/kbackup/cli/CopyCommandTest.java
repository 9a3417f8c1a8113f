package io.kbackup.cli;

import static io.kbackup.cli.BadInputTest.assertOneClearError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.copy.Copy;
import io.kbackup.error.KbackupException;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.storage.FileSystemStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** copy sends what the destination lacks, re-encrypting it, and never commits damaged data. */
class CopyCommandTest {

  @Test
  void copyIntoAnEncryptedRepositorySendsOnlyWhatIsMissing(@TempDir Path dir) throws Exception {
    String b = SharedKafka.primary().bootstrapServers();
    SampleTopics.write(b, "copy-", 20);
    String plain = dir.resolve("plain").toString();
    String secret = dir.resolve("secret").toString();
    Path pass = dir.resolve("pass");
    Files.writeString(pass, "copy passphrase");
    assertThat(CliRunner.run("init", "--repo", plain).exitCode()).isZero();
    assertThat(
            CliRunner.run("init", "--repo", secret, "--encrypt", "--password-file", pass.toString())
                .exitCode())
        .isZero();
    assertThat(
            CliRunner.run("backup", "--repo", plain, "-b", b, "--topics", "copy-orders").exitCode())
        .isZero();
    assertThat(CliRunner.run("backup", "--repo", plain, "-b", b, "--topics", "copy-.*").exitCode())
        .isZero();

    CliRunner.Result copy =
        CliRunner.run(
            "copy", "--repo", plain, "--to", secret, "--to-password-file", pass.toString());
    assertThat(copy.exitCode()).as(copy.err()).isZero();
    List<String> lines = copy.out().lines().toList();
    assertThat(lines).hasSize(2);
    // the first snapshot's 3 partitions, each a segment and its index
    assertThat(lines.get(0))
        .matches("copied snapshot \\S+: 6 objects \\(.*\\) sent, 0 already there");
    // the second re-uses the orders segments and adds those of payments and audit
    assertThat(lines.get(1))
        .matches("copied snapshot \\S+: 6 objects \\(.*\\) sent, 6 already there");

    CliRunner.Result again =
        CliRunner.run(
            "copy", "--repo", plain, "--to", secret, "--to-password-file", pass.toString());
    assertThat(again.out().lines().toList()).allMatch(l -> l.endsWith(" is already there"));

    CliRunner.Result verify =
        CliRunner.run(
            "verify", "--repo", secret, "--password-file", pass.toString(), "--level", "2");
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    CliRunner.Result restore =
        CliRunner.run(
            "restore",
            "--repo",
            secret,
            "--password-file",
            pass.toString(),
            "-b",
            b,
            "--topics",
            "copy-orders",
            "--topic-map",
            "copy-orders=copy-orders-copied",
            "--data-only");
    assertThat(restore.exitCode()).as(restore.err()).isZero();
    assertThat(TopicContents.read(b, "copy-orders-copied"))
        .isEqualTo(TopicContents.read(b, "copy-orders"));

    // a damaged source object stops the copy before the snapshot is committed
    String third = dir.resolve("third").toString();
    assertThat(CliRunner.run("init", "--repo", third).exitCode()).isZero();
    Path segment;
    try (Stream<Path> files = Files.walk(Path.of(plain, "data", "copy-audit"))) {
      segment = files.filter(f -> f.toString().endsWith(".seg")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length - 1] ^= 0x01;
    Files.write(segment, bytes);
    CliRunner.Result damaged = CliRunner.run("copy", "--repo", plain, "--to", third);
    assertOneClearError(damaged, 13, "in the source: SHA-256 is ");
    assertThat(CliRunner.run("snapshots", "--repo", third, "--json").out().lines().count())
        .isEqualTo(1); // the first snapshot, which does not need the damaged object

    assertOneClearError(
        CliRunner.run("copy", "--repo", plain, "--to", plain),
        2,
        "--to is the same repository as --repo");
  }

  @Test
  void aForgedSourceManifestWritesNothingOutsideTheDataKeys(@TempDir Path dir) throws Exception {
    String b = SharedKafka.primary().bootstrapServers();
    SampleTopics.write(b, "forge-", 5);
    Path plain = dir.resolve("plain");
    Path secret = dir.resolve("secret");
    Path pass = dir.resolve("pass");
    Files.writeString(pass, "forge passphrase");
    assertThat(CliRunner.run("init", "--repo", plain.toString()).exitCode()).isZero();
    assertThat(
            CliRunner.run(
                    "init", "--repo", secret.toString(), "--encrypt", "--password-file", "" + pass)
                .exitCode())
        .isZero();
    assertThat(
            CliRunner.run("backup", "--repo", "" + plain, "-b", b, "--topics", "forge-orders")
                .exitCode())
        .isZero();
    SnapshotManifest snapshot = ForgedManifest.latest(plain);
    SegmentInfo segment = snapshot.topics().get(0).partitions().get(0).segments().get(0);
    Map<String, byte[]> destination = contents(secret);

    String stem = segment.key().substring(0, segment.key().length() - ".seg".length());
    for (String[] forged :
        new String[][] {
          {segment.key(), "config.json"},
          {segment.key(), "keys/forged.json"},
          {segment.key(), "snapshots/forged.json"},
          {segment.key(), "data/forge-orders/0/forged.seg"},
          {segment.indexKey(), "config.json.sha256"},
          {segment.indexKey(), stem + "-other.idx"},
          {segment.sha256(), "not-a-digest"}
        }) {
      ForgedManifest.edit(plain, snapshot.id(), t -> t.replace(forged[0], forged[1]));
      CliRunner.Result copy =
          CliRunner.run(
              "copy",
              "--repo",
              plain.toString(),
              "--to",
              secret.toString(),
              "--to-password-file",
              pass.toString());
      assertOneClearError(
          copy, 13, "snapshot " + snapshot.id() + " in the source lists the object ");
      assertThat(copy.err()).contains("nothing of that snapshot was copied");
      assertThat(contents(secret)).as(forged[1]).containsOnlyKeys(destination.keySet());
      assertThat(contents(secret))
          .allSatisfy((k, v) -> assertThat(v).isEqualTo(destination.get(k)));
      ForgedManifest.edit(plain, snapshot.id(), t -> t.replace(forged[1], forged[0]));
    }
    assertThat(
            CliRunner.run(
                    "copy",
                    "--repo",
                    "" + plain,
                    "--to",
                    "" + secret,
                    "--to-password-file",
                    "" + pass)
                .exitCode())
        .isZero();
  }

  @Test
  void aCopyKilledBetweenTheDigestAndTheManifestOfASnapshotCompletesWhenRunAgain(@TempDir Path dir)
      throws Exception {
    // given a destination that a copy killed within its commit left: the digest, no manifest
    Path source = ordersBackedUp(dir, "half-commit-");
    Path target = initialized(dir.resolve("target"));
    assertThat(
            CliRunner.run("copy", "--repo", source.toString(), "--to", target.toString())
                .exitCode())
        .isZero();
    SnapshotManifest snapshot = ForgedManifest.latest(source);
    Files.delete(target.resolve("snapshots/" + snapshot.id() + ".json"));

    // when the copy runs again
    CliRunner.Result again =
        CliRunner.run("copy", "--repo", source.toString(), "--to", target.toString());

    // then it commits the snapshot, which verifies
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).startsWith("copied snapshot " + snapshot.id() + ": ");
    assertThat(Repository.open(new FileSystemStorage(target)).snapshots())
        .extracting(SnapshotManifest::id)
        .containsExactly(snapshot.id());
    CliRunner.Result verify = CliRunner.run("verify", "--repo", target.toString(), "--level", "2");
    assertThat(verify.exitCode()).as(verify.out()).isZero();
  }

  @Test
  void anObjectOfTheSameSizeButOtherBytesInTheDestinationIsNeverTakenNorReplaced(@TempDir Path dir)
      throws Exception {
    Path source = ordersBackedUp(dir, "same-size-");
    Path target = initialized(dir.resolve("target"));
    SnapshotManifest snapshot = ForgedManifest.latest(source);
    SegmentInfo segment = snapshot.topics().get(0).partitions().get(0).segments().get(0);
    byte[] other = Files.readAllBytes(source.resolve(segment.key()));
    other[other.length - 1] ^= 0x01;
    Files.createDirectories(target.resolve(segment.key()).getParent());
    Files.write(target.resolve(segment.key()), other);

    CliRunner.Result copy =
        CliRunner.run("copy", "--repo", source.toString(), "--to", target.toString());

    assertOneClearError(copy, 13, segment.key() + " exists in the destination with SHA-256 ");
    assertThat(copy.err())
        .contains("snapshot " + snapshot.id() + " lists " + segment.sha256())
        .contains("it was not replaced");
    assertThat(Files.readAllBytes(target.resolve(segment.key()))).isEqualTo(other);
    assertThat(Repository.open(new FileSystemStorage(target)).snapshots()).isEmpty();
  }

  @Test
  void anObjectAnotherWriterPutsMeanwhileIsNeverReplacedAndMustHoldTheSameBytes(@TempDir Path dir)
      throws Exception {
    Path source = ordersBackedUp(dir, "rival-");
    Path target = initialized(dir.resolve("target"));
    Path twin = initialized(dir.resolve("twin"));
    SnapshotManifest snapshot = ForgedManifest.latest(source);
    SegmentInfo segment = snapshot.topics().get(0).partitions().get(0).segments().get(0);
    byte[] original = Files.readAllBytes(source.resolve(segment.key()));
    byte[] other = original.clone();
    other[other.length - 1] ^= 0x01;

    // another writer puts other bytes under the key just after the copy found it free
    try (Repository from = Repository.open(new FileSystemStorage(source));
        Repository into = Repository.open(new RivalWriterStorage(target, segment.key(), other))) {
      assertThatThrownBy(() -> new Copy(from, into).run(null))
          .isInstanceOfSatisfying(
              KbackupException.class, e -> assertThat(e.exitCode()).isEqualTo(13))
          .hasMessageContaining(segment.key() + " exists in the destination with SHA-256 ")
          .hasMessageContaining("snapshot " + snapshot.id() + " lists " + segment.sha256())
          .hasMessageContaining("it was not replaced");
    }
    assertThat(Files.readAllBytes(target.resolve(segment.key()))).isEqualTo(other);
    assertThat(Repository.open(new FileSystemStorage(target)).snapshots()).isEmpty();

    // the same bytes put meanwhile (a second copy of the same snapshot) are taken as there
    try (Repository from = Repository.open(new FileSystemStorage(source));
        Repository into = Repository.open(new RivalWriterStorage(twin, segment.key(), original))) {
      List<Copy.Copied> copied = new Copy(from, into).run(null);
      assertThat(copied)
          .containsExactly(new Copy.Copied(snapshot.id(), false, 5, copied.get(0).bytes(), 1));
    }
    assertThat(Repository.open(new FileSystemStorage(twin)).snapshots())
        .extracting(SnapshotManifest::id)
        .containsExactly(snapshot.id());
    assertThat(Files.readAllBytes(twin.resolve(segment.key()))).isEqualTo(original);
  }

  @Test
  void aSourceManifestIsCopiedOnlyUnderTheIdOfItsKey(@TempDir Path dir) throws Exception {
    Path source = ordersBackedUp(dir, "renamed-");
    Path target = initialized(dir.resolve("target"));
    String id = ForgedManifest.latest(source).id();
    String forgedId = "20990101-000000-forged";
    ForgedManifest.edit(
        source,
        id,
        t -> t.replaceFirst("\"id\" : \"" + id + "\"", "\"id\" : \"" + forgedId + "\""));
    Map<String, byte[]> before = contents(target);

    for (String[] selection : new String[][] {{}, {"--snapshot", "latest"}, {"--snapshot", id}}) {
      List<String> args =
          new java.util.ArrayList<>(
              List.of("copy", "--repo", source.toString(), "--to", target.toString()));
      args.addAll(List.of(selection));
      CliRunner.Result copy = CliRunner.run(args.toArray(String[]::new));

      assertOneClearError(
          copy,
          13,
          "snapshots/"
              + id
              + ".json names the snapshot "
              + forgedId
              + ", not "
              + id
              + ": the manifest is damaged or forged");
      assertThat(contents(target)).as(args.toString()).containsOnlyKeys(before.keySet());
    }
    assertThat(Repository.open(new FileSystemStorage(target)).snapshots()).isEmpty();

    // a manifest under a key that is no snapshot's
    ForgedManifest.edit(source, id, t -> t.replace(forgedId, id));
    Path manifest = source.resolve("snapshots").resolve(id + ".json");
    Files.copy(manifest, manifest.resolveSibling("not an id.json"));
    assertOneClearError(
        CliRunner.run("copy", "--repo", source.toString(), "--to", target.toString()),
        13,
        "snapshots/not an id.json in the source is not the key of a snapshot manifest;"
            + " nothing was copied");
    assertThat(contents(target)).containsOnlyKeys(before.keySet());
  }

  /**
   * A plain repository {@code dir/source} with one snapshot of the topic {@code <prefix>orders}.
   */
  private static Path ordersBackedUp(Path dir, String prefix) throws Exception {
    String b = SharedKafka.primary().bootstrapServers();
    SampleTopics.write(b, prefix, 5);
    Path source = initialized(dir.resolve("source"));
    assertThat(
            CliRunner.run("backup", "--repo", "" + source, "-b", b, "--topics", prefix + "orders")
                .exitCode())
        .isZero();
    return source;
  }

  private static Path initialized(Path repo) {
    assertThat(CliRunner.run("init", "--repo", repo.toString()).exitCode()).isZero();
    return repo;
  }

  /** Every file of a repository directory but its locks, by relative path. */
  static Map<String, byte[]> contents(Path repo) throws Exception {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(repo)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        String key = repo.relativize(f).toString();
        if (!key.startsWith("locks/") && !key.startsWith("tmp/")) {
          files.put(key, Files.readAllBytes(f));
        }
      }
    }
    return files;
  }
}

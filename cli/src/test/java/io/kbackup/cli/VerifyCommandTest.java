package io.kbackup.cli;

import static io.kbackup.cli.BadInputTest.assertOneClearError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.storage.FileSystemStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {

  static final String ORDERS = "vc-" + SampleTopics.ORDERS;
  static LocalKafka kafka;
  @TempDir static Path dir;
  static Path repo;
  static SnapshotManifest snapshot;

  @BeforeAll
  static void backUp() throws Exception {
    kafka = SharedKafka.primary();
    SampleTopics.write(kafka.bootstrapServers(), "vc-", 10);
    repo = dir.resolve("repo");
    assertThat(CliRunner.run("init", "--repo", repo.toString()).exitCode()).isZero();
    CliRunner.Result backup =
        CliRunner.run(
            "backup",
            "--repo",
            repo.toString(),
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            "vc-.*");
    assertThat(backup.exitCode()).as(backup.err()).isZero();
    try (Repository r = Repository.open(new FileSystemStorage(repo))) {
      snapshot = r.latestSnapshot().orElseThrow();
    }
  }

  static SegmentInfo ordersSegment() {
    TopicSnapshot orders =
        snapshot.topics().stream().filter(t -> t.name().equals(ORDERS)).findFirst().orElseThrow();
    PartitionSnapshot p0 = orders.partitions().get(0);
    return p0.segments().get(0);
  }

  /** A copy of the repository, with a second snapshot after the first. */
  static Path copyWithASecondSnapshot(Path to) throws Exception {
    Path copy = copy(to);
    CliRunner.Result second =
        CliRunner.run(
            "backup",
            "--repo",
            copy.toString(),
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            "vc-.*");
    assertThat(second.exitCode()).as(second.err()).isZero();
    return copy;
  }

  static Path copy(Path to) throws Exception {
    try (Stream<Path> files = Files.walk(repo)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(repo.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return to;
  }

  @Test
  void aSoundRepositoryIsExit0AtBothLevels() throws Exception {
    CliRunner.Result one = CliRunner.run("verify", "--repo", repo.toString());
    assertThat(one.exitCode()).as(one.err()).isZero();
    assertThat(one.out().strip())
        .matches("verified 1 snapshot at level 1: \\d+ segments, no problems");

    CliRunner.Result two =
        CliRunner.run("verify", "--repo", repo.toString(), "--level", "2", "--snapshot", "latest");
    assertThat(two.exitCode()).as(two.err()).isZero();
    assertThat(two.out().strip())
        .matches(
            "verified 1 snapshot at level 2: (\\d+) segments, \\1 data objects read \\(.*\\), no"
                + " problems");

    CliRunner.Result json =
        CliRunner.run(
            "verify",
            "--repo",
            repo.toString(),
            "--level",
            "2",
            "--read-data-subset",
            "1/1",
            "--json");
    assertThat(json.exitCode()).as(json.err()).isZero();
    JsonNode doc = json.summary();
    assertThat(doc.get("clean").asBoolean()).isTrue();
    assertThat(doc.get("snapshots").get(0).asText()).isEqualTo(snapshot.id());
    assertThat(doc.get("objectsRead").asInt()).isEqualTo(doc.get("segments").asInt());
  }

  @Test
  void damageIsExit13WithOneLineAProblemAndASummary(@TempDir Path tmp) throws Exception {
    Path damaged = copy(tmp.resolve("repo"));
    SegmentInfo s = ordersSegment();
    byte[] bytes = Files.readAllBytes(damaged.resolve(s.key()));
    bytes[30] ^= 0x10;
    Files.write(damaged.resolve(s.key()), bytes);

    assertThat(CliRunner.run("verify", "--repo", damaged.toString()).exitCode()).isZero();
    CliRunner.Result r = CliRunner.run("verify", "--repo", damaged.toString(), "--level", "2");
    assertThat(r.exitCode()).isEqualTo(13);
    assertThat(r.out().lines().toList())
        .containsExactly(
            s.key()
                + " ("
                + ORDERS
                + "-0, offsets "
                + s.firstOffset()
                + "-"
                + s.lastOffset()
                + "): at byte 0: CRC32C mismatch",
            r.out().lines().toList().get(1));
    assertThat(r.out().lines().toList().get(1))
        .startsWith("verified 1 snapshot at level 2: ")
        .endsWith(", 1 problem");
    assertThat(r.err().lines().toList())
        .containsExactly(
            "kbackup: error: 1 problem found in " + damaged,
            "  hint: each line above names a damaged object; restore from a snapshot that does not"
                + " need it, or from a copy of the repository");

    Files.delete(damaged.resolve(s.indexKey()));
    CliRunner.Result missing = CliRunner.run("verify", "--repo", damaged.toString(), "--json");
    assertThat(missing.exitCode()).isEqualTo(13);
    JsonNode problem = missing.summary().get("problems").get(0);
    assertThat(problem.get("kind").asText()).isEqualTo("MISSING");
    assertThat(problem.get("object").asText()).isEqualTo(s.indexKey());
    assertThat(problem.get("topicPartition").asText()).isEqualTo(ORDERS + "-0");
    assertThat(problem.get("firstOffset").asLong()).isEqualTo(s.firstOffset());
    assertThat(problem.get("lastOffset").asLong()).isEqualTo(s.lastOffset());
  }

  @Test
  void aSegmentWithoutAKeyIsDamageOfItsSnapshotAndTheOthersAreStillVerified(@TempDir Path tmp)
      throws Exception {
    Path forged = copyWithASecondSnapshot(tmp.resolve("repo"));
    SegmentInfo s = ordersSegment();
    ForgedManifest.edit(
        forged, snapshot.id(), t -> t.replace("\"key\" : \"" + s.key() + "\"", "\"key\" : null"));

    for (String level : new String[] {"1", "2"}) {
      CliRunner.Result r =
          CliRunner.run("verify", "--repo", forged.toString(), "--level", level, "--json");
      assertThat(r.exitCode()).as(r.err()).isEqualTo(13);
      JsonNode summary = r.summary();
      // the damaged manifest is refused when read: only the other snapshot is verified
      assertThat(summary.get("snapshots")).hasSize(1);
      assertThat(summary.get("problems")).hasSize(1);
      JsonNode problem = summary.get("problems").get(0);
      assertThat(problem.get("object").asText()).isEqualTo("snapshots/" + snapshot.id() + ".json");
      assertThat(problem.get("detail").asText())
          .isEqualTo("(" + ORDERS + "-0): lists a segment without a valid key: null");
      assertThat(r.err()).doesNotContain("unexpected").doesNotContain("Exception");
    }
  }

  @Test
  void aSegmentKeyLeavingTheRepositoryIsExit13NamingTheSnapshotAndTheKey(@TempDir Path tmp)
      throws Exception {
    Path forged = copyWithASecondSnapshot(tmp.resolve("repo"));
    String key = "data/../../../../tmp/x.seg";
    ForgedManifest.edit(
        forged,
        snapshot.id(),
        t -> t.replace("\"" + ordersSegment().key() + "\"", "\"" + key + "\""));
    String manifest = "snapshots/" + snapshot.id() + ".json";
    String message =
        manifest + " (" + ORDERS + "-0): lists a segment without a valid key: \"" + key + "\"";
    String r = forged.toString();

    assertOneClearError(
        CliRunner.run("cat", "--repo", r, "--snapshot", snapshot.id()), 13, message);
    assertOneClearError(
        CliRunner.run(
            "restore",
            "--repo",
            r,
            "-b",
            kafka.bootstrapServers(),
            "--snapshot",
            snapshot.id(),
            "--topic-map",
            ORDERS + "=vc-forged-key",
            "--data-only"),
        13,
        message);
    CliRunner.Result verify = CliRunner.run("verify", "--repo", r, "--json");
    assertThat(verify.exitCode()).as(verify.err()).isEqualTo(13);
    JsonNode summary = verify.summary();
    assertThat(summary.get("snapshots")).hasSize(1);
    assertThat(summary.get("problems")).hasSize(1);
    JsonNode problem = summary.get("problems").get(0);
    assertThat(problem.get("object").asText()).isEqualTo(manifest);
    assertThat(problem.get("detail").asText())
        .isEqualTo("(" + ORDERS + "-0): lists a segment without a valid key: \"" + key + "\"");
    assertThat(verify.err()).doesNotContain("unexpected").doesNotContain("Exception");
  }

  @Test
  void aDigestObjectNamingAnotherFileIsDamageFoundByVerifyAndByReads(@TempDir Path tmp)
      throws Exception {
    String manifest = "snapshots/" + snapshot.id() + ".json";
    for (String key : List.of(manifest, Repository.CONFIG_KEY)) {
      Path damaged = copy(tmp.resolve(key.replace('/', '-')));
      Path digest = damaged.resolve(key + ".sha256");
      byte[] bytes = Files.readAllBytes(digest);
      bytes[64 + 2 + 3] ^= 0x01; // in the name, which no longer names the document
      Files.write(digest, bytes);
      String message =
          key
              + ": "
              + key
              + ".sha256 names another file, not "
              + key.substring(key.lastIndexOf('/') + 1)
              + ": the digest object is damaged";

      CliRunner.Result verify =
          CliRunner.run("verify", "--repo", damaged.toString(), "--level", "2");
      assertThat(verify.exitCode()).as(verify.err()).isEqualTo(13);
      assertThat(verify.out() + verify.err()).contains(message);
      assertOneClearError(CliRunner.run("snapshots", "--repo", damaged.toString()), 13, message);
    }
  }

  @Test
  void helpDescribesTheLevelsAndTheSubsets() {
    CliRunner.Result help = CliRunner.run("verify", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.err()).isEmpty();
    assertThat(help.out())
        .contains("Usage: kbackup verify")
        .contains("--level=1|2|3")
        .contains("Level 3: also a test restore")
        .contains("--read-data-subset=N/T|P%")
        .contains("Level 2: also every byte read")
        .contains("slices, or P% of the objects");
  }

  @Test
  void badLevelsAndSubsetsAreExit2() {
    String r = repo.toString();
    assertOneClearError(
        CliRunner.run("verify", "--repo", r, "--level", "4"),
        2,
        "--level must be 1, 2 or 3, not 4");
    assertOneClearError(
        CliRunner.run("verify", "--repo", r, "--level", "3"),
        2,
        "--level 3 restores the snapshot into a cluster: give --bootstrap-server");
    assertOneClearError(
        CliRunner.run("verify", "--repo", r, "--level", "two"), 2, "Invalid value for option");
    assertOneClearError(
        CliRunner.run("verify", "--repo", r, "--level", "2", "--read-data-subset", "4/3"),
        2,
        "--read-data-subset must be N/T with 1 <= N <= T, or P% with 0 < P <= 100, not '4/3'");
    assertOneClearError(
        CliRunner.run("verify", "--repo", r, "--read-data-subset", "10%"),
        2,
        "--read-data-subset needs --level 2");
    assertOneClearError(
        CliRunner.run("verify", "--repo", r, "--snapshot", "20200101-000000-abcdef"),
        2,
        "no snapshot 20200101-000000-abcdef in ");
    String missing = dir.resolve("nowhere").toString();
    assertOneClearError(
        CliRunner.run("verify", "--repo", missing), 10, "no kbackup repository at " + missing);
  }

  @Test
  void levelThreeRestoresIntoScratchTopicsAndComparesEveryRecord() throws Exception {
    Path copy = copy(dir.resolve("level-3"));
    CliRunner.Result r =
        CliRunner.run(
            "verify", "--repo", copy.toString(), "--level", "3", "-b", kafka.bootstrapServers());
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).startsWith("verified 1 snapshot at level 2: ");
    assertThat(lines.get(1))
        .startsWith("drill of snapshot " + snapshot.id() + ": passed. Restored 80 records");
    CliRunner.Result listed = CliRunner.run("snapshots", "--repo", copy.toString());
    assertThat(listed.out().lines().toList().get(1)).contains(" passed ");
  }
}

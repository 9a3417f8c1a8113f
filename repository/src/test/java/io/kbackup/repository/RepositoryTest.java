package io.kbackup.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryTest {

  @TempDir Path dir;

  private FileSystemStorage storageWithConfig(String json) throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    storage.put(Repository.CONFIG_KEY, json.getBytes(StandardCharsets.UTF_8));
    return storage;
  }

  private static String config(int version, String features) {
    return "{\"format\":\"kbackup-repository\",\"version\":"
        + version
        + ",\"id\":\"x\","
        + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"features\":"
        + features
        + ","
        + "\"compression\":\"zstd\",\"compressionLevel\":1,\"batchBytes\":262144,\"segmentBytes\":134217728}";
  }

  @Test
  void opensWhatItCreatedAndListsSnapshotsInTimeOrder() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    Repository created = Repository.init(storage, SegmentSettings.defaults());
    Repository opened = Repository.open(storage);
    assertThat(opened.config()).isEqualTo(created.config());
    // fraction digits differ, so text order would put the later snapshot first
    opened.commit(
        new SnapshotManifest(
            1,
            "b",
            "2026-01-01T00:00:00.5Z",
            "2026-01-01T00:00:00.5Z",
            "c",
            "v",
            null,
            List.of(),
            null,
            null,
            null));
    opened.commit(
        new SnapshotManifest(
            1,
            "a",
            "2026-01-01T00:00:00.123456Z",
            "2026-01-01T00:00:00.1Z",
            "c",
            "v",
            null,
            List.of(),
            List.of(),
            null,
            null));
    assertThat(opened.snapshots()).extracting(SnapshotManifest::id).containsExactly("a", "b");
    assertThat(opened.snapshot("latest").id()).isEqualTo("b");
  }

  @Test
  void refusesANewerFormatVersion() throws Exception {
    FileSystemStorage storage = storageWithConfig(config(2, "[]"));
    assertThatThrownBy(() -> Repository.open(storage))
        .isInstanceOfSatisfying(
            KbackupException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.FAILED);
              assertThat(e.getMessage())
                  .isEqualTo("the repository has format version 2, this kbackup reads up to 1");
              assertThat(e.hint()).isEqualTo("use a newer kbackup");
            });
  }

  @Test
  void refusesUnknownFeatures() throws Exception {
    FileSystemStorage storage = storageWithConfig(config(1, "[\"encryption\", \"time-travel\"]"));
    assertThatThrownBy(() -> Repository.open(storage))
        .isInstanceOfSatisfying(
            KbackupException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.FAILED);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "the repository needs features this kbackup does not know: time-travel");
            });
  }

  @Test
  void takesAConfigWithoutVersionAsCorrupt() throws Exception {
    FileSystemStorage storage = storageWithConfig("{\"format\":\"kbackup-repository\"}");
    assertThatThrownBy(() -> Repository.open(storage))
        .isInstanceOfSatisfying(
            CorruptDataException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.INTEGRITY);
              assertThat(e.getMessage())
                  .isEqualTo("config.json of " + dir + " has no valid format version");
            });
    FileSystemStorage garbage = storageWithConfig("not json");
    assertThatThrownBy(() -> Repository.open(garbage)).isInstanceOf(CorruptDataException.class);
  }

  @Test
  void refusesAnUnknownOrMissingCompression() throws Exception {
    FileSystemStorage storage =
        storageWithConfig(config(1, "[]").replace("\"zstd\"", "\"brotli\""));
    assertThatThrownBy(() -> Repository.open(storage))
        .isInstanceOfSatisfying(
            KbackupException.class,
            e ->
                assertThat(e.getMessage())
                    .isEqualTo("the repository uses compression brotli, unknown to this kbackup"));
    FileSystemStorage none =
        storageWithConfig(config(1, "[]").replace("\"compression\":\"zstd\",", ""));
    assertThatThrownBy(() -> Repository.open(none)).isInstanceOf(CorruptDataException.class);
  }

  @Test
  void refusesASnapshotOfANewerFormatVersion() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    Repository repo = Repository.init(storage, SegmentSettings.defaults());
    storage.put(
        "snapshots/future.json",
        ("{\"formatVersion\":2,\"id\":\"future\",\"createdAt\":\"2026-01-01T00:00:00Z\","
                + "\"topics\":[]}")
            .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> repo.snapshot("future"))
        .isInstanceOfSatisfying(
            KbackupException.class,
            e ->
                assertThat(e.getMessage())
                    .isEqualTo("snapshot future has format version 2, this kbackup reads up to 1"));
  }

  @Test
  void findsAnyDamageToTheConfigOrAManifestThroughItsDigest() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    Repository repo = Repository.init(storage, SegmentSettings.defaults());
    commitEmptySnapshot(repo, "s");
    assertThat(new String(storage.readAll("snapshots/s.json.sha256"), StandardCharsets.UTF_8))
        .matches("[0-9a-f]{64}  s\\.json\n");
    byte[] manifest = storage.readAll("snapshots/s.json");
    byte[] config = storage.readAll(Repository.CONFIG_KEY);

    // "c" becomes "b": still a sound manifest, but not the one committed
    byte[] damaged = manifest.clone();
    int at = new String(manifest, StandardCharsets.UTF_8).indexOf("\"c\"") + 1;
    damaged[at] ^= 1;
    storage.put("snapshots/s.json", damaged);
    assertThatThrownBy(() -> repo.snapshot("s"))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageStartingWith("snapshots/s.json: SHA-256 is ")
        .hasMessageContaining(", snapshots/s.json.sha256 says ");

    byte[] damagedConfig = config.clone();
    damagedConfig[damagedConfig.length / 2] ^= 4;
    storage.put(Repository.CONFIG_KEY, damagedConfig);
    assertThatThrownBy(() -> Repository.open(storage))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageStartingWith("config.json: SHA-256 is ");

    // repositories written before digests were kept are read as they are
    storage.delete(Repository.CONFIG_KEY + ".sha256");
    storage.delete("snapshots/s.json.sha256");
    storage.put(Repository.CONFIG_KEY, config);
    assertThat(Repository.open(storage).snapshot("s").clusterId()).isEqualTo("b");
  }

  @Test
  void forgettingASnapshotRemovesItsManifestAndItsDigest() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    Repository repo = Repository.init(storage, SegmentSettings.defaults());
    commitEmptySnapshot(repo, "s");
    assertThat(storage.list(Repository.SNAPSHOTS_PREFIX)).hasSize(2);

    repo.forget("s");
    assertThat(storage.list(Repository.SNAPSHOTS_PREFIX)).isEmpty();
  }

  /** Commits a snapshot of no topics, created by cluster "c". */
  @Test
  void aCommitKilledAfterItsDigestCanBeMadeAgainWithTheSameManifest() throws Exception {
    // given a commit that died between its digest and its manifest, as a killed copy leaves it
    Repository repo = Repository.init(new FileSystemStorage(dir), SegmentSettings.defaults());
    commitEmptySnapshot(repo, "s");
    byte[] digest = repo.storage().readAll("snapshots/s.json.sha256");
    repo.storage().delete("snapshots/s.json");
    assertThat(repo.snapshots()).isEmpty();

    // when the same manifest is committed again, then it is committed with that digest
    commitEmptySnapshot(repo, "s");
    assertThat(repo.snapshots()).extracting(SnapshotManifest::id).containsExactly("s");
    assertThat(repo.storage().readAll("snapshots/s.json.sha256")).isEqualTo(digest);

    // and another manifest under the id of a leftover digest is still refused
    repo.storage().delete("snapshots/s.json");
    assertThatThrownBy(
            () ->
                repo.commit(
                    new SnapshotManifest(
                        1,
                        "s",
                        "2026-01-02T00:00:00Z",
                        "2026-01-02T00:00:00Z",
                        "c",
                        "v",
                        null,
                        List.of(),
                        null,
                        null,
                        null)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("snapshot s exists already");
    assertThat(repo.snapshots()).isEmpty();
  }

  private static void commitEmptySnapshot(Repository repo, String id) throws Exception {
    repo.commit(
        new SnapshotManifest(
            1,
            id,
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00Z",
            "c",
            "v",
            null,
            List.of(),
            null,
            null,
            null));
  }
}

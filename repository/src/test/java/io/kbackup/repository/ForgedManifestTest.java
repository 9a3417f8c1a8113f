package io.kbackup.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.ExitCode;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manifests that are damaged or forged but carry a matching digest: each is refused as damage of
 * that snapshot (exit 13) before anything it names is used.
 */
class ForgedManifestTest {

  static final String ID = ManifestReaderFuzzTest.ID;
  static final String KEY = Repository.SNAPSHOTS_PREFIX + ID + ".json";

  @TempDir Path dir;
  FileSystemStorage storage;
  Repository repo;
  String manifest;

  @BeforeEach
  void repository() throws Exception {
    storage = new FileSystemStorage(dir);
    repo = Repository.init(storage, SegmentSettings.defaults());
    try (InputStream in = getClass().getResourceAsStream("/fuzz/manifest.json")) {
      manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Stores the manifest under the key of {@code id}, with the digest of its bytes. */
  void store(String id, String text) throws Exception {
    String key = Repository.SNAPSHOTS_PREFIX + id + ".json";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    storage.put(key, bytes);
    storage.put(key + DocumentDigest.SUFFIX, DocumentDigest.line(key, bytes));
  }

  @Test
  void aManifestLargerThanTheMostAManifestMayBeIsNotRead() throws Exception {
    store(ID, manifest);
    assertThat(repo.snapshot(ID).recordCount()).isEqualTo(1400);
    // sparse: its size says too large, and nothing of it is read
    try (RandomAccessFile file = new RandomAccessFile(dir.resolve(KEY).toFile(), "rw")) {
      file.setLength(Repository.MAX_MANIFEST_BYTES + 1L);
    }
    assertThatThrownBy(() -> repo.snapshot(ID))
        .isInstanceOfSatisfying(
            CorruptDataException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INTEGRITY))
        .hasMessage(KEY + ": larger than 256 MiB, the most a manifest may be");
    assertThatThrownBy(() -> repo.snapshots()).isInstanceOf(CorruptDataException.class);
  }

  @Test
  void aManifestNamingAnotherSnapshotThanItsKeyIsRefused() throws Exception {
    String other = "20261127-020000-000000";
    store(ID, manifest.replace("\"id\" : \"" + ID + "\"", "\"id\" : \"" + other + "\""));
    String message =
        KEY
            + " names the snapshot "
            + other
            + ", not "
            + ID
            + ": the manifest is damaged or forged";
    assertThatThrownBy(() -> repo.snapshot(ID))
        .isInstanceOf(CorruptDataException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> repo.snapshots()).hasMessage(message);
    assertThatThrownBy(() -> repo.snapshot(other))
        .hasMessage("no snapshot " + other + " in " + storage.location());
  }
}

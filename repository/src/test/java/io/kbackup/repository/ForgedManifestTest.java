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
  void aTopicNameKafkaWouldRefuseIsDamageAndReachesTheMessageEscaped() throws Exception {
    store(ID, manifest.replace("\"name\" : \"orders\"", "\"name\" : \"orders\\n\\u001b[2J\""));
    assertThatThrownBy(() -> repo.snapshot(ID))
        .isInstanceOf(CorruptDataException.class)
        .hasMessage(
            KEY
                + ": lists a topic whose name Kafka does not allow:"
                + " \"orders\\u000a\\u001b[2J\"");
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

  @Test
  void aSegmentIndexOrFileKeyTheStorageWouldRefuseIsDamageOfItsSnapshot() throws Exception {
    String segment = "data/orders/0/00000000000000000000-00000000000000001999-3662ab11.seg";
    String index = segment.replace(".seg", ".idx");
    String file = "files/de7d0d3888880c5cfd7c0316cb5ad7272920366ed70f51a16d55a49c8d287ccb";
    // the key to replace, the forged key as JSON text, what is refused, the key as printed
    String[][] forgeries = {
      {segment, "data/../../../../tmp/x.seg", "a segment without a valid key", null},
      {segment, "data/orders//0/x.seg", "a segment without a valid key", null},
      {index, "data/orders/0/./x.idx", "a segment without a valid index key", null},
      {
        index,
        "data\\\\0\\u0007x.idx",
        "a segment without a valid index key",
        "data\\u005c0\\u0007x.idx"
      },
      {file, "/etc/passwd", "an included file without a valid key", null}
    };
    for (String[] f : forgeries) {
      assertThat(manifest).contains("\"" + f[0] + "\"");
      store(ID, manifest.replace("\"" + f[0] + "\"", "\"" + f[1] + "\""));
      String where = f[2].contains("file") ? KEY : KEY + " (orders-0)";
      String printed = "\"" + (f[3] == null ? f[1] : f[3]) + "\"";
      assertThatThrownBy(() -> repo.snapshot(ID))
          .as(f[1])
          .isInstanceOf(CorruptDataException.class)
          .hasMessage(where + ": lists " + f[2] + ": " + printed);
      assertThatThrownBy(() -> repo.snapshots()).isInstanceOf(CorruptDataException.class);
    }
    store(ID, manifest);
    assertThat(repo.snapshot(ID).recordCount()).isEqualTo(1400);
  }
}

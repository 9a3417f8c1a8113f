package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.repository.ClusterMetadata;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import io.kbackup.segment.RecordBatch;
import io.kbackup.segment.SegmentIndex;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot whose only batch is a 78-byte zstd frame declaring 2 GiB of records: `cat` and `verify
 * --level 2`, run with a 256 MiB heap, report the damage with exit 13 instead of running out of
 * memory.
 */
class DecompressionBombCommandTest {

  static final String SEGMENT =
      "data/bomb/0/00000000000000000000-00000000000000000000-0badc0de.seg";

  @TempDir Path dir;

  @Test
  void catAndVerifyReportADecompressionBombAsDamage() throws Exception {
    String repo = repositoryWithABomb().toString();
    String damage =
        "at byte 0: the records declare 2147483631 bytes once decompressed, more than the 64 MiB"
            + " a batch may hold";

    String cat = runWithSmallHeap("cat", "--repo", repo);
    assertThat(cat)
        .contains("kbackup: error: " + SEGMENT + " " + damage)
        .doesNotContain("OutOfMemoryError");
    assertThat(cat.lines().filter(l -> l.startsWith("exit ")).toList()).containsExactly("exit 13");

    String verify = runWithSmallHeap("verify", "--repo", repo, "--level", "2");
    assertThat(verify)
        .contains(SEGMENT + " (bomb-0, offsets 0-0): " + damage)
        .doesNotContain("OutOfMemoryError");
    assertThat(verify.lines().filter(l -> l.startsWith("exit ")).toList())
        .containsExactly("exit 13");
  }

  /** Output of the command in a JVM of 256 MiB heap, and a last line "exit N". */
  String runWithSmallHeap(String... args) throws Exception {
    Path log = Files.createTempFile(dir, "run-", ".log");
    Process p = CliRunner.start(log, args);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return Files.readString(log) + "exit " + p.exitValue() + "\n";
  }

  Path repositoryWithABomb() throws Exception {
    Path root = dir.resolve("repo");
    FileSystemStorage storage = new FileSystemStorage(root);
    Repository repo = Repository.init(storage, SegmentSettings.defaults());
    byte[] batch = zstdBatchDeclaringTwoGibibytes();
    String indexKey = SEGMENT.replace(".seg", ".idx");
    byte[] index =
        new SegmentIndex(
                List.of(
                    SegmentIndex.Entry.describing(
                        RecordBatch.read(new ByteArrayInputStream(batch), SEGMENT, 0), 0)))
            .toBytes();
    storage.put(SEGMENT, batch);
    storage.put(indexKey, index);
    SegmentInfo segment =
        new SegmentInfo(
            SEGMENT,
            batch.length,
            sha256(batch),
            indexKey,
            index.length,
            sha256(index),
            0,
            0,
            1,
            0,
            Integer.MAX_VALUE - 16);
    String now = Instant.now().toString();
    repo.commit(
        new SnapshotManifest(
            1,
            Repository.newSnapshotId(Instant.now()),
            now,
            now,
            "cluster",
            "test",
            null,
            List.of(
                new TopicSnapshot(
                    "bomb",
                    "AAAAAAAAAAAAAAAAAAAAAA",
                    1,
                    1,
                    null,
                    List.of(new PartitionSnapshot(0, 0, 1, 1, List.of(segment))),
                    null,
                    null)),
            null,
            ClusterMetadata.empty(),
            null));
    return root;
  }

  /** One record batch of 78 bytes: a zstd frame declaring 2 GiB, then one block of 128 KiB. */
  static byte[] zstdBatchDeclaringTwoGibibytes() {
    ByteBuffer frame = ByteBuffer.allocate(17).order(ByteOrder.LITTLE_ENDIAN);
    frame.putInt(0xFD2FB528).put((byte) 0xE0).putLong(Integer.MAX_VALUE - 16);
    int block = 1 | (1 << 1) | ((128 << 10) << 3); // the last block: a zero repeated (RLE)
    frame.put((byte) block).put((byte) (block >>> 8)).put((byte) (block >>> 16)).put((byte) 0);
    ByteBuffer b = ByteBuffer.allocate(61 + 17);
    b.putInt(8, 49 + 17).putInt(12, -1).put(16, (byte) 2).putShort(21, (short) 4);
    b.putLong(43, -1L).putShort(51, (short) -1).putInt(53, -1).putInt(57, 1);
    b.put(61, frame.array());
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 21, b.capacity() - 21);
    return b.putInt(17, (int) crc.getValue()).array();
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}

package io.kbackup.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.error.CorruptDataException;
import io.kbackup.storage.FileSystemStorage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds many thousands of damaged segments and indexes to the readers: whatever the damage, the
 * only exception that escapes is the typed corruption error. Half of the damaged batches get a
 * recomputed CRC32C, so that the damage reaches the decompression and record decoding behind it.
 */
class SegmentReaderFuzzTest {

  static final long SEED = 20261126L;
  static final int ROUNDS = 20_000;

  @TempDir Path dir;

  @Test
  void onlyTheCorruptionErrorEscapesTheSegmentAndIndexReaders() throws Exception {
    byte[][] segments = {segment(Codec.NONE), segment(Codec.ZSTD), segment(Codec.LZ4)};
    byte[] index = Files.readAllBytes(dir.resolve("repo").resolve(indexKey));
    Mutator mutator = new Mutator(SEED);
    int corrupt = 0;
    for (int round = 0; round < ROUNDS; round++) {
      byte[] damaged = mutator.mutate(segments[round % segments.length], false);
      if (mutator.nextBoolean()) {
        fixBatchCrcs(damaged);
      }
      corrupt += survives(round, () -> readSegment(damaged));
      byte[] damagedIndex = mutator.mutate(index, false);
      if (mutator.nextBoolean()) {
        fixIndexCrc(damagedIndex);
      }
      corrupt += survives(round, () -> SegmentIndex.fromBytes(damagedIndex, "fuzz.idx"));
    }
    // most damage is seen; the rest (such as a flipped leader epoch) is left to the SHA-256
    assertThat(corrupt).isGreaterThan(ROUNDS);
  }

  String indexKey;

  byte[] segment(Codec codec) throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir.resolve("repo"));
    List<BackupRecord> records = SegmentRoundTripTest.corpus().subList(0, 300);
    try (SegmentWriters writers =
        new SegmentWriters(storage, new SegmentSettings(codec, 1, 1024, 1 << 30), 1)) {
      SegmentWriter writer = writers.open("data/t/" + codec + "/");
      records.forEach(
          r -> {
            try {
              writer.append(r);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      SegmentInfo info = writer.finish().get(0);
      indexKey = info.indexKey();
      return Files.readAllBytes(dir.resolve("repo").resolve(info.key()));
    }
  }

  /** 1 when the reader reported corruption, 0 when it read the input; fails on anything else. */
  static int survives(int round, Mutator.Read read) {
    return Mutator.survives(
        "round " + round + " of seed " + SEED, read, t -> t instanceof CorruptDataException);
  }

  static void readSegment(byte[] bytes) throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    long position = 0;
    for (RecordBatch b = RecordBatch.read(in, "fuzz.seg", position);
        b != null;
        b = RecordBatch.read(in, "fuzz.seg", position)) {
      b.records();
      position += b.sizeInBytes();
    }
  }

  static void fixBatchCrcs(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int position = 0;
    while (position + PendingBatch.HEADER_SIZE <= bytes.length) {
      int end = position + 12 + b.getInt(position + 8);
      if (end > bytes.length || end < position + PendingBatch.HEADER_SIZE) {
        return;
      }
      CRC32C crc = new CRC32C();
      crc.update(bytes, position + PendingBatch.ATTRIBUTES_OFFSET, end - position - 21);
      b.putInt(position + PendingBatch.CRC_OFFSET, (int) crc.getValue());
      position = end;
    }
  }

  static void fixIndexCrc(byte[] bytes) {
    if (bytes.length >= 4) {
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, bytes.length - 4);
      ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    }
  }
}

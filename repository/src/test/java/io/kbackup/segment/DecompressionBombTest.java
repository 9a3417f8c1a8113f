package io.kbackup.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.KbackupException;
import io.kbackup.storage.FileSystemStorage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.common.compress.Lz4BlockOutputStream;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches whose records are small when stored and huge once decompressed are refused as damage
 * before they claim the memory: a batch never holds more than {@link RecordBatch#MAX_RECORDS_BYTES}
 * bytes of records.
 */
class DecompressionBombTest {

  static final int ZSTD = 4;
  static final int LZ4 = 3;
  static final int GZIP = 1;

  /** More than any bound here, far less than the bombs would claim unbounded. */
  static final long MEMORY_ALLOWED = 200L << 20;

  @Test
  void aZstdFrameDeclaringTwoGibibytesIsRefusedUnread() throws Exception {
    ByteBuffer frame = ByteBuffer.allocate(17).order(ByteOrder.LITTLE_ENDIAN);
    frame.putInt(0xFD2FB528); // zstd magic
    frame.put((byte) 0xE0); // an 8-byte content size, single segment
    frame.putLong(Integer.MAX_VALUE - 16);
    putRleBlock(frame, true);
    byte[] batch = batch(ZSTD, frame.array());
    assertThat(batch).hasSize(78);

    assertRefusedWithin(
        batch,
        "bomb.seg at byte 0: the records declare 2147483631 bytes once decompressed, more than"
            + " the 64 MiB a batch may hold");
  }

  @Test
  void aZstdStreamExpandingToOneGibibyteIsRefusedAtTheBound() throws Exception {
    int blocks = 8192; // of 128 KiB each: 1 GiB
    ByteBuffer frame = ByteBuffer.allocate(6 + 4 * blocks).order(ByteOrder.LITTLE_ENDIAN);
    frame.putInt(0xFD2FB528);
    frame.put((byte) 0x00); // no content size: a stream
    frame.put((byte) 0x38); // a 128 KiB window
    for (int i = 0; i < blocks; i++) {
      putRleBlock(frame, i == blocks - 1);
    }
    byte[] batch = batch(ZSTD, frame.array());
    assertThat(batch.length).isLessThan(33 << 10);

    assertRefusedWithin(
        batch,
        "bomb.seg at byte 0: the records decompress to more bytes than the 64 MiB a batch may"
            + " hold");
  }

  @Test
  void anLz4FrameExpandingToOneGibibyteIsRefusedAtTheBound() throws Exception {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (OutputStream lz4 =
        new Lz4BlockOutputStream(
            compressed, Lz4BlockOutputStream.BLOCKSIZE_64KB, 1, false, false)) {
      writeZeros(lz4, 1L << 30);
    }
    byte[] batch = batch(LZ4, compressed.toByteArray());

    assertRefusedWithin(
        batch,
        "bomb.seg at byte 0: the records decompress to more bytes than the 64 MiB a batch may"
            + " hold");
  }

  @Test
  void aGzipBatchIsRefusedWithoutDecompressingIt() throws Exception {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (OutputStream gzip = new GZIPOutputStream(compressed)) {
      writeZeros(gzip, 128L << 20);
    }
    byte[] batch = batch(GZIP, compressed.toByteArray());

    assertRefusedWithin(
        batch, "bomb.seg at byte 0: unsupported compression type id 1 in a record batch");
  }

  @Test
  void theWriterKeepsEveryBatchWithinTheBound() {
    byte[] big = new byte[RecordBatch.MAX_RECORDS_BYTES / 2];
    BufferPool pool = new BufferPool(1024, 2);
    RecordBatchBuilder builder = new RecordBatchBuilder(Integer.MAX_VALUE, pool);
    var first = new BackupRecord(0, 1, TimestampType.CREATE_TIME, null, big, List.of());
    var second = new BackupRecord(1, 1, TimestampType.CREATE_TIME, null, big, List.of());
    builder.append(first);

    assertThat(builder.accepts(second)).isFalse();
  }

  @Test
  void theWriterRefusesARecordLargerThanABatchMayHold(@TempDir Path dir) throws Exception {
    byte[] huge = new byte[RecordBatch.MAX_RECORDS_BYTES];
    try (SegmentWriters writers =
        new SegmentWriters(
            new FileSystemStorage(dir), new SegmentSettings(Codec.ZSTD, 1, 1 << 20, 1 << 30), 1)) {
      SegmentWriter writer = writers.open("data/big/0/");

      assertThatThrownBy(
              () ->
                  writer.append(
                      new BackupRecord(7, 1, TimestampType.CREATE_TIME, null, huge, List.of())))
          .isInstanceOf(KbackupException.class)
          .hasMessage(
              "the record at offset 7 of data/big/0/ takes 67108895 bytes, more than the 64 MiB"
                  + " a record batch may hold");
      writer.abort();
    }
  }

  static void assertRefusedWithin(byte[] batch, String message) throws Exception {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();

    assertThatThrownBy(
            () -> RecordBatch.read(new ByteArrayInputStream(batch), "bomb.seg", 0).records())
        .isInstanceOf(CorruptDataException.class)
        .hasMessage(message);
    assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(MEMORY_ALLOWED);
  }

  /** A zstd RLE block: one zero byte repeated 128 KiB times, in 4 stored bytes. */
  static void putRleBlock(ByteBuffer frame, boolean last) {
    int header = (last ? 1 : 0) | (1 << 1) | ((128 << 10) << 3);
    frame.put((byte) header).put((byte) (header >>> 8)).put((byte) (header >>> 16));
    frame.put((byte) 0);
  }

  static void writeZeros(OutputStream out, long count) throws Exception {
    byte[] zeros = new byte[1 << 20];
    for (long written = 0; written < count; written += zeros.length) {
      out.write(zeros);
    }
  }

  /** A v2 batch of one record with these compressed records and a valid CRC32C. */
  static byte[] batch(int compressionId, byte[] records) {
    ByteBuffer b = ByteBuffer.allocate(PendingBatch.HEADER_SIZE + records.length);
    b.putLong(0, 0);
    b.putInt(8, PendingBatch.HEADER_SIZE - 12 + records.length);
    b.putInt(12, -1);
    b.put(16, PendingBatch.MAGIC);
    b.putShort(PendingBatch.ATTRIBUTES_OFFSET, (short) compressionId);
    b.putInt(23, 0);
    b.putLong(43, -1L);
    b.putShort(51, (short) -1);
    b.putInt(53, -1);
    b.putInt(57, 1);
    b.put(PendingBatch.HEADER_SIZE, records);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), PendingBatch.ATTRIBUTES_OFFSET, b.capacity() - 21);
    b.putInt(PendingBatch.CRC_OFFSET, (int) crc.getValue());
    return b.array();
  }
}

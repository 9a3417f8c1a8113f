package io.kbackup.segment;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.apache.kafka.common.record.TimestampType;

/**
 * The encoded, not yet compressed records of one batch ({@code length} bytes of {@code records})
 * and the fields of its header.
 */
record PendingBatch(
    byte[] records,
    int length,
    int count,
    long baseOffset,
    long lastOffset,
    long baseTimestamp,
    long maxTimestamp,
    TimestampType timestampType) {

  static final int HEADER_SIZE = 61;
  static final byte MAGIC = 2;
  static final int CRC_OFFSET = 17;
  static final int ATTRIBUTES_OFFSET = 21;
  static final int TIMESTAMP_TYPE_BIT = 0x08;

  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[0]);

  /**
   * Builds the complete batch, byte for byte Kafka's v2 record batch format, compressing through a
   * scratch array kept by the calling thread.
   */
  EncodedBatch encode(Codec codec, int level) {
    int bound = HEADER_SIZE + codec.maxCompressedLength(length);
    byte[] scratch = SCRATCH.get();
    if (scratch.length < bound) {
      scratch = new byte[bound];
      SCRATCH.set(scratch);
    }
    int bodyLength = codec.compress(records, 0, length, scratch, HEADER_SIZE, level);
    byte[] out = java.util.Arrays.copyOf(scratch, HEADER_SIZE + bodyLength);
    ByteBuffer header = ByteBuffer.wrap(out);
    header.putLong(0, baseOffset);
    header.putInt(8, HEADER_SIZE - 12 + bodyLength);
    header.putInt(12, -1); // partition leader epoch
    header.put(16, MAGIC);
    int attributes = codec.id();
    if (timestampType == TimestampType.LOG_APPEND_TIME) {
      attributes |= TIMESTAMP_TYPE_BIT;
    }
    header.putShort(ATTRIBUTES_OFFSET, (short) attributes);
    header.putInt(23, (int) (lastOffset - baseOffset));
    header.putLong(27, baseTimestamp);
    header.putLong(35, maxTimestamp);
    header.putLong(43, -1L); // producer id
    header.putShort(51, (short) -1); // producer epoch
    header.putInt(53, -1); // base sequence
    header.putInt(57, count);
    CRC32C crc = new CRC32C();
    crc.update(out, ATTRIBUTES_OFFSET, out.length - ATTRIBUTES_OFFSET);
    header.putInt(CRC_OFFSET, (int) crc.getValue());
    return new EncodedBatch(out, count, baseOffset, lastOffset, maxTimestamp, length);
  }
}

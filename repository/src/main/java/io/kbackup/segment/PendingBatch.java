package io.kbackup.segment;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.apache.kafka.common.record.TimestampType;

/** The encoded, not yet compressed records of one batch and the fields of its header. */
record PendingBatch(
    byte[] records,
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

  /** Builds the complete batch, byte for byte Kafka's v2 record batch format. */
  EncodedBatch encode(Codec codec, int level) {
    byte[] buffer = new byte[HEADER_SIZE + codec.maxCompressedLength(records.length)];
    int bodyLength = codec.compress(records, 0, records.length, buffer, HEADER_SIZE, level);
    byte[] out =
        buffer.length == HEADER_SIZE + bodyLength
            ? buffer
            : java.util.Arrays.copyOf(buffer, HEADER_SIZE + bodyLength);
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
    return new EncodedBatch(out, count, baseOffset, lastOffset, maxTimestamp, records.length);
  }
}

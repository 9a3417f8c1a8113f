package io.kbackup.segment;

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
    byte[] body = codec.compress(records, 0, records.length, level);
    ByteBuilder out = new ByteBuilder(HEADER_SIZE + body.length);
    out.writeLong(baseOffset);
    out.writeInt(HEADER_SIZE - 12 + body.length);
    out.writeInt(-1); // partition leader epoch
    out.writeByte(MAGIC);
    out.writeInt(0); // crc, set below
    int attributes = codec.id();
    if (timestampType == TimestampType.LOG_APPEND_TIME) {
      attributes |= TIMESTAMP_TYPE_BIT;
    }
    out.writeShort(attributes);
    out.writeInt((int) (lastOffset - baseOffset));
    out.writeLong(baseTimestamp);
    out.writeLong(maxTimestamp);
    out.writeLong(-1L); // producer id
    out.writeShort(-1); // producer epoch
    out.writeInt(-1); // base sequence
    out.writeInt(count);
    out.write(body);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), ATTRIBUTES_OFFSET, out.size() - ATTRIBUTES_OFFSET);
    out.putInt(CRC_OFFSET, (int) crc.getValue());
    return new EncodedBatch(
        out.array(), count, baseOffset, lastOffset, maxTimestamp, records.length);
  }
}

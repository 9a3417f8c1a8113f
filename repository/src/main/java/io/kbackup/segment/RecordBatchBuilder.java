package io.kbackup.segment;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.record.TimestampType;

/**
 * Collects records into one Kafka v2 record batch. Records are encoded as they arrive; the batch's
 * header and compression are applied by {@link PendingBatch#encode}, which may run on another
 * thread so that compression uses every core.
 *
 * <p>A batch holds records of one timestamp type; a log-append-time batch holds records of one
 * timestamp, since Kafka gives every record of such a batch the batch's time.
 */
final class RecordBatchBuilder {

  private final int targetBytes;
  private final BufferPool pool;
  private final ByteBuilder records;
  private int count;
  private long baseOffset;
  private long lastOffset;
  private long baseTimestamp;
  private long maxTimestamp;
  private TimestampType timestampType;

  RecordBatchBuilder(int targetBytes, BufferPool pool) {
    this.targetBytes = targetBytes;
    this.pool = pool;
    this.records = new ByteBuilder(pool.take());
  }

  boolean isEmpty() {
    return count == 0;
  }

  int sizeInBytes() {
    return records.size();
  }

  /** Whether the record may join this batch; if not, seal the batch first. */
  boolean accepts(BackupRecord r) {
    if (count == 0) {
      return true;
    }
    return records.size() + (long) sizeBound(r) <= RecordBatch.MAX_RECORDS_BYTES
        && r.timestampType() == timestampType
        && (timestampType != TimestampType.LOG_APPEND_TIME || r.timestamp() == baseTimestamp)
        && r.offset() > lastOffset
        && r.offset() - baseOffset <= Integer.MAX_VALUE
        && records.size() < targetBytes;
  }

  void append(BackupRecord r) {
    if (count == 0) {
      baseOffset = r.offset();
      baseTimestamp = r.timestamp();
      maxTimestamp = r.timestamp();
      timestampType = r.timestampType();
    } else if (!accepts(r)) {
      throw new IllegalArgumentException("record " + r.offset() + " does not fit this batch");
    }
    writeRecord(r);
    lastOffset = r.offset();
    maxTimestamp = Math.max(maxTimestamp, r.timestamp());
    count++;
  }

  /** Hands over the records collected so far and starts an empty batch. */
  PendingBatch take() {
    int length = records.size();
    PendingBatch batch =
        new PendingBatch(
            records.swap(pool.take()),
            length,
            count,
            baseOffset,
            lastOffset,
            baseTimestamp,
            maxTimestamp,
            timestampType);
    count = 0;
    return batch;
  }

  private void writeRecord(BackupRecord r) {
    int offsetDelta = (int) (r.offset() - baseOffset);
    long timestampDelta = r.timestamp() - baseTimestamp;
    byte[][] headerKeys = new byte[r.headers().size()][];
    int bodySize =
        1 + ByteBuilder.sizeOfVarlong(timestampDelta) + ByteBuilder.sizeOfVarint(offsetDelta);
    bodySize += sizeOfBytes(r.key()) + sizeOfBytes(r.value());
    bodySize += ByteBuilder.sizeOfVarint(headerKeys.length);
    for (int i = 0; i < headerKeys.length; i++) {
      BackupHeader h = r.headers().get(i);
      headerKeys[i] = h.key().getBytes(StandardCharsets.UTF_8);
      bodySize += sizeOfBytes(headerKeys[i]) + sizeOfBytes(h.value());
    }
    records.writeVarint(bodySize);
    records.writeByte(0);
    records.writeVarlong(timestampDelta);
    records.writeVarint(offsetDelta);
    writeBytes(r.key());
    writeBytes(r.value());
    records.writeVarint(headerKeys.length);
    for (int i = 0; i < headerKeys.length; i++) {
      writeBytes(headerKeys[i]);
      writeBytes(r.headers().get(i).value());
    }
  }

  private void writeBytes(byte[] bytes) {
    if (bytes == null) {
      records.writeVarint(-1);
    } else {
      records.writeVarint(bytes.length);
      records.write(bytes);
    }
  }

  /**
   * At least the bytes the record takes in a batch (the varints at their longest, header keys at
   * three bytes a character), saturated at {@code Integer.MAX_VALUE}.
   */
  static int sizeBound(BackupRecord r) {
    long size = 5 + 1 + 10 + 5 + sizeOfBytes(r.key()) + sizeOfBytes(r.value()) + 5L;
    for (BackupHeader h : r.headers()) {
      size += 5 + 3L * h.key().length() + sizeOfBytes(h.value());
    }
    return (int) Math.min(size, Integer.MAX_VALUE);
  }

  private static int sizeOfBytes(byte[] bytes) {
    return bytes == null ? 1 : ByteBuilder.sizeOfVarint(bytes.length) + bytes.length;
  }
}

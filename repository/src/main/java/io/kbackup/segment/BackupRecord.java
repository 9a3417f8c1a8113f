package io.kbackup.segment;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.record.TimestampType;

/**
 * One Kafka record as a backup keeps it: its original offset, timestamp and timestamp type, key and
 * value (null is not the same as empty) and its headers in their original order.
 */
public record BackupRecord(
    long offset,
    long timestamp,
    TimestampType timestampType,
    byte[] key,
    byte[] value,
    List<BackupHeader> headers) {

  public BackupRecord {
    Objects.requireNonNull(timestampType, "timestampType");
    headers = List.copyOf(headers);
  }

  /** Bytes of key, value and headers; a measure of payload size. */
  public long payloadSize() {
    long size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    for (BackupHeader h : headers) {
      size += h.key().length() + (h.value() == null ? 0 : h.value().length);
    }
    return size;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BackupRecord r
        && offset == r.offset
        && timestamp == r.timestamp
        && timestampType == r.timestampType
        && Arrays.equals(key, r.key)
        && Arrays.equals(value, r.value)
        && headers.equals(r.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(offset, timestamp, timestampType, Arrays.hashCode(key), headers)
        + 31 * Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "BackupRecord{offset=" + offset + ", timestamp=" + timestamp + "}";
  }
}

package io.kbackup.segment;

import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.common.header.Header;

/** One record header: a key that is never null and a value that may be null. */
public record BackupHeader(String key, byte[] value) implements Header {

  public BackupHeader {
    Objects.requireNonNull(key, "header key");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BackupHeader h && key.equals(h.key) && Arrays.equals(value, h.value);
  }

  @Override
  public int hashCode() {
    return 31 * key.hashCode() + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return key + "=" + (value == null ? "null" : value.length + " bytes");
  }
}

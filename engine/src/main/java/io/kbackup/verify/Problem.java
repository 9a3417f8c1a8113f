package io.kbackup.verify;

/**
 * One problem found by a verification: the object it concerns and, where it applies, the
 * topic-partition and the offset range whose records it puts at risk.
 *
 * @param object the key of the damaged or inconsistent object
 * @param topicPartition such as {@code orders-0}, or null for objects of no partition
 * @param firstOffset first offset concerned, or null
 * @param lastOffset last offset concerned (inclusive), or null
 * @param detail what is wrong, in words
 */
public record Problem(
    Kind kind,
    String object,
    String topicPartition,
    Long firstOffset,
    Long lastOffset,
    String detail) {

  /** What kind of damage a problem is. */
  public enum Kind {
    /** An object a snapshot needs does not exist. */
    MISSING,
    /** The object exists with another size than recorded. */
    SIZE_MISMATCH,
    /** The object's SHA-256 differs from the recorded one. */
    DIGEST_MISMATCH,
    /** The object cannot be decoded: bad JSON, a failed CRC32C, a malformed batch or record. */
    CORRUPT,
    /** The object decodes but disagrees with its manifest or index: offsets, counts, times. */
    INCONSISTENT
  }

  static Problem of(Kind kind, String object, String detail) {
    return new Problem(kind, object, null, null, null, detail);
  }

  static Problem of(
      Kind kind, String object, String topicPartition, long first, long last, String detail) {
    return new Problem(kind, object, topicPartition, first, last, detail);
  }

  /** One line: the object, its partition and offsets, and what is wrong. */
  public String describe() {
    StringBuilder b = new StringBuilder(object);
    if (topicPartition != null) {
      b.append(" (").append(topicPartition);
      if (firstOffset != null && lastOffset != null && lastOffset >= firstOffset) {
        b.append(", offsets ").append(firstOffset).append('-').append(lastOffset);
      }
      b.append(')');
    }
    return b.append(": ").append(detail).toString();
  }
}

package io.kbackup.repository;

import io.kbackup.error.Untrusted;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.storage.ObjectKeys;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The rules a field read from a repository document must keep before code uses it: names Kafka
 * allows, times, keys under {@code data/}, and segment descriptions whose numbers can be true.
 */
public final class DocumentRules {

  /** What Kafka allows as a topic name. */
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private DocumentRules() {}

  public static boolean isTopicName(String name) {
    return name != null && TOPIC.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }

  public static boolean isInstant(String text) {
    try {
      Instant.parse(text);
      return true;
    } catch (DateTimeParseException | NullPointerException e) {
      return false;
    }
  }

  /** A valid object key under {@code data/}, as every segment and index key is. */
  public static boolean isDataKey(String key) {
    return key != null && key.startsWith(Repository.DATA_PREFIX) && ObjectKeys.isValid(key);
  }

  /** Why a segment description cannot be true, or null when it can. */
  public static String segmentProblem(SegmentInfo s) {
    if (s == null) {
      return "an empty segment entry";
    }
    if (!isDataKey(s.key()) || !isDataKey(s.indexKey())) {
      return "a segment without a valid key under data/: "
          + Untrusted.quote(s.key())
          + ", index "
          + Untrusted.quote(s.indexKey());
    }
    if (s.size() < 0
        || s.indexSize() < 0
        || s.uncompressedBytes() < 0
        || s.firstOffset() < 0
        || s.lastOffset() < s.firstOffset()
        || s.recordCount() < 0
        || s.recordCount() - 1 > s.lastOffset() - s.firstOffset()) {
      return "segment "
          + Untrusted.quote(s.key())
          + " with impossible sizes or offsets (size "
          + s.size()
          + ", index size "
          + s.indexSize()
          + ", offsets "
          + s.firstOffset()
          + " to "
          + s.lastOffset()
          + ", "
          + s.recordCount()
          + " records)";
    }
    return null;
  }
}

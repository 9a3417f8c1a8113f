package io.kbackup.copy;

import io.kbackup.repository.IncludedFile;
import io.kbackup.repository.Repository;
import io.kbackup.segment.SegmentInfo;
import java.util.regex.Pattern;

/**
 * The keys under which the repository format keeps the data a snapshot lists: segments and their
 * indexes under {@code data/}, included files under {@code files/}. A manifest read from a source
 * may be forged, so a copy writes under no other key: never a config, key slot or manifest.
 */
final class DataKeys {

  /** {@code data/<topic>/<partition>/<first>-<last>-<rand>}; Kafka forbids the topics . and .. */
  private static final String SEGMENT_STEM =
      "data/(?!\\.\\.?/)[a-zA-Z0-9._-]{1,249}/(0|[1-9][0-9]{0,9})/[0-9]{20}-[0-9]{20}-[0-9a-f]{8}";

  private static final Pattern SEGMENT = Pattern.compile(SEGMENT_STEM + "\\.seg");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private DataKeys() {}

  /**
   * Whether both keys of the segment are those of a segment and of its own index, with digests of
   * the format's shape.
   */
  static boolean isValid(SegmentInfo s) {
    return s.key() != null
        && SEGMENT.matcher(s.key()).matches()
        && indexKeyOf(s.key()).equals(s.indexKey())
        && isDigest(s.sha256())
        && isDigest(s.indexSha256());
  }

  /** Whether the file's key is {@code files/} and the SHA-256 of its bytes. */
  static boolean isValid(IncludedFile f) {
    return isDigest(f.sha256()) && (Repository.FILES_PREFIX + f.sha256()).equals(f.key());
  }

  private static boolean isDigest(String sha256) {
    return sha256 != null && SHA256.matcher(sha256).matches();
  }

  private static String indexKeyOf(String segmentKey) {
    return segmentKey.substring(0, segmentKey.length() - ".seg".length()) + ".idx";
  }
}

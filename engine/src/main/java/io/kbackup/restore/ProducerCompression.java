package io.kbackup.restore;

import io.kbackup.error.KbackupException;
import io.kbackup.repository.TopicSnapshot;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The compression of the batches a restore sends. A backup keeps records, not the source's batches,
 * so how the source's producers compressed is not known; the source topic's own {@code
 * compression.type}, when it was set, is what the broker stored, and otherwise lz4 keeps restored
 * topics about as small as compressed sources at little cost. Sending uncompressed could make a
 * restored partition many times larger than the source's, past its size retention.
 */
final class ProducerCompression {

  static final Set<String> CODECS = Set.of("none", "gzip", "snappy", "lz4", "zstd");
  static final String DEFAULT = "lz4";

  private ProducerCompression() {}

  /** Refuses a requested compression Kafka's producer does not know. */
  static void check(String requested) {
    if (requested != null && !CODECS.contains(requested)) {
      throw KbackupException.usage(
          "--compression must be none, gzip, snappy, lz4 or zstd, not " + requested,
          "for example --compression zstd");
    }
  }

  /**
   * The requested compression, or the one the restored topics' backed-up {@code compression.type}
   * names when they agree, or lz4.
   */
  static String choose(String requested, List<TopicSnapshot> topics) {
    if (requested != null) {
      return requested;
    }
    Set<String> backedUp =
        topics.stream()
            .map(t -> codec(t.configs().get("compression.type")))
            .collect(Collectors.toSet());
    if (backedUp.size() == 1 && backedUp.iterator().next() != null) {
      return backedUp.iterator().next();
    }
    return DEFAULT;
  }

  /** The producer codec of a topic's compression.type; null for none set or {@code producer}. */
  private static String codec(String compressionType) {
    if (compressionType == null) {
      return null;
    }
    String codec = compressionType.equals("uncompressed") ? "none" : compressionType;
    return CODECS.contains(codec) ? codec : null;
  }
}

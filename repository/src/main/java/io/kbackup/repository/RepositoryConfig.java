package io.kbackup.repository;

import io.kbackup.segment.Codec;
import io.kbackup.segment.SegmentSettings;
import java.util.List;

/**
 * The repository's config object, {@code config.json}: the format version, the feature flags a
 * reader must understand, and the settings new segments are written with.
 */
public record RepositoryConfig(
    String format,
    int version,
    String id,
    String createdAt,
    List<String> features,
    String compression,
    int compressionLevel,
    int batchBytes,
    long segmentBytes) {

  public static final String FORMAT = "kbackup-repository";
  public static final int VERSION = 1;

  /** Features this version of kbackup understands; a repository needing others is refused. */
  public static final List<String> KNOWN_FEATURES = List.of("lz4", "encryption");

  /** The feature of repositories whose objects are encrypted. */
  public static final String ENCRYPTION = "encryption";

  /** The features a repository written with these settings needs its readers to know. */
  static List<String> featuresOf(SegmentSettings settings) {
    return settings.codec() == Codec.LZ4 ? List.of("lz4") : List.of();
  }

  public RepositoryConfig {
    features = features == null ? List.of() : List.copyOf(features);
  }

  public SegmentSettings segmentSettings() {
    return new SegmentSettings(
        Codec.fromName(compression), compressionLevel, batchBytes, segmentBytes);
  }
}

package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import io.kbackup.segment.Codec;
import io.kbackup.segment.SegmentSettings;
import picocli.CommandLine.Option;

/** How record batches are compressed: of a new repository, or of an estimate. */
final class CompressionOptions {

  @Option(
      names = "--compression",
      defaultValue = "zstd",
      description = "Compression of record batches: zstd, lz4 or none (default: ${DEFAULT-VALUE}).")
  String compression;

  @Option(
      names = "--compression-level",
      defaultValue = "1",
      description =
          "Compression level: zstd -7 (fastest) to 22, lz4 1 (fast) to 17 (default: ${DEFAULT-VALUE}).")
  int level;

  /** The segment settings with this compression; a bad name or level is a usage error. */
  SegmentSettings settings() {
    Codec codec;
    try {
      codec = Codec.fromName(compression);
    } catch (IllegalArgumentException e) {
      throw KbackupException.usage(
          "unknown compression " + compression,
          "use --compression zstd, --compression lz4 or --compression none");
    }
    if (!codec.acceptsLevel(level)) {
      throw KbackupException.usage(
          "--compression-level " + level + " does not suit " + compression,
          "zstd takes -7 to 22, lz4 1 to 17");
    }
    SegmentSettings defaults = SegmentSettings.defaults();
    return new SegmentSettings(codec, level, defaults.batchBytes(), defaults.segmentBytes());
  }
}

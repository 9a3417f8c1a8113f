package io.kbackup.segment;

/**
 * How segments are cut and compressed.
 *
 * @param codec compression of record batches
 * @param level compression level, for codecs that have one
 * @param batchBytes records per batch, in uncompressed bytes
 * @param segmentBytes a segment is closed once it reaches this many stored bytes
 */
public record SegmentSettings(Codec codec, int level, int batchBytes, long segmentBytes) {

  public static SegmentSettings defaults() {
    return new SegmentSettings(Codec.ZSTD, 1, 256 << 10, 128L << 20);
  }
}

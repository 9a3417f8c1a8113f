package io.kbackup.segment;

/**
 * A stored segment as a snapshot manifest lists it: its data and index objects with their sizes and
 * SHA-256 digests, and the records it holds.
 *
 * @param maxTimestamp the greatest record timestamp in the segment
 * @param uncompressedBytes size of the encoded records before compression
 */
public record SegmentInfo(
    String key,
    long size,
    String sha256,
    String indexKey,
    long indexSize,
    String indexSha256,
    long firstOffset,
    long lastOffset,
    long recordCount,
    long maxTimestamp,
    long uncompressedBytes) {}

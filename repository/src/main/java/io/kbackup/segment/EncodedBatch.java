package io.kbackup.segment;

/** A finished record batch ready to be written to a segment. */
record EncodedBatch(
    byte[] bytes,
    int count,
    long baseOffset,
    long lastOffset,
    long maxTimestamp,
    int uncompressedRecordBytes) {}

package io.kbackup.segment;

import io.kbackup.error.CorruptDataException;
import io.kbackup.repository.Documents;
import io.kbackup.storage.Storage;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Reads the record batches of one stored segment in order, starting at the batch that holds a given
 * offset (found through the segment's index, so earlier batches are not read). Every batch is
 * compared with its index entry: the CRC32C of a batch does not cover its base offset, the index
 * (under a CRC32C of its own) does, so a damaged offset cannot pass unnoticed.
 */
public final class SegmentReader implements Closeable {

  private final SegmentInfo segment;
  private final InputStream in;
  private final List<SegmentIndex.Entry> entries;
  private int entry;
  private long position;
  private long previousLastOffset = -1;

  private SegmentReader(
      SegmentInfo segment, InputStream in, List<SegmentIndex.Entry> entries, int entry) {
    this.segment = segment;
    this.in = in;
    this.entries = entries;
    this.entry = entry;
    this.position = positionOf(segment, entries, entry);
  }

  private static long positionOf(SegmentInfo segment, List<SegmentIndex.Entry> entries, int entry) {
    return entry < entries.size() ? entries.get(entry).position() : segment.size();
  }

  /** Opens the segment at the first batch holding an offset at or after {@code fromOffset}. */
  public static SegmentReader open(Storage storage, SegmentInfo segment, long fromOffset)
      throws IOException {
    return open(storage, segment, readIndex(storage, segment), fromOffset);
  }

  /** The same with the segment's index already read. */
  public static SegmentReader open(
      Storage storage, SegmentInfo segment, SegmentIndex index, long fromOffset)
      throws IOException {
    int entry = fromOffset > segment.firstOffset() ? index.firstEntryReaching(fromOffset) : 0;
    if (entry < 0) {
      entry = index.entries().size();
    }
    long position = positionOf(segment, index.entries(), entry);
    InputStream raw = storage.get(segment.key(), position, segment.size() - position);
    return new SegmentReader(
        segment, new BufferedInputStream(raw, 1 << 16), index.entries(), entry);
  }

  public static SegmentIndex readIndex(Storage storage, SegmentInfo segment) throws IOException {
    return SegmentIndex.fromBytes(
        Documents.read(storage, segment.indexKey(), SegmentIndex.MAX_BYTES, "an index"),
        segment.indexKey());
  }

  /** The next batch, or null after the last one. */
  public RecordBatch next() throws IOException {
    RecordBatch batch = RecordBatch.read(in, segment.key(), position);
    if (batch == null) {
      if (position != segment.size() || entry != entries.size()) {
        throw new CorruptDataException(
            segment.key() + ": ends at byte " + position + ", expected " + segment.size());
      }
      return null;
    }
    if (batch.baseOffset() <= previousLastOffset
        || batch.baseOffset() < segment.firstOffset()
        || batch.lastOffset() > segment.lastOffset()) {
      throw new CorruptDataException(
          segment.key() + " at byte " + position + ": batch offsets outside the segment's range");
    }
    if (entry >= entries.size()
        || !entries.get(entry).equals(SegmentIndex.Entry.describing(batch, position))) {
      throw new CorruptDataException(
          segment.key() + " at byte " + position + ": batch differs from its index entry");
    }
    entry++;
    previousLastOffset = batch.lastOffset();
    position += batch.sizeInBytes();
    return batch;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}

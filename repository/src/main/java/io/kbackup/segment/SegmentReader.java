package io.kbackup.segment;

import io.kbackup.error.CorruptDataException;
import io.kbackup.storage.Storage;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the record batches of one stored segment in order, starting at the batch that holds a given
 * offset (found through the segment's index, so earlier batches are not read).
 */
public final class SegmentReader implements Closeable {

  private final SegmentInfo segment;
  private final InputStream in;
  private long position;
  private long previousLastOffset = -1;

  private SegmentReader(SegmentInfo segment, InputStream in, long position) {
    this.segment = segment;
    this.in = in;
    this.position = position;
  }

  /** Opens the segment at the first batch holding an offset at or after {@code fromOffset}. */
  public static SegmentReader open(Storage storage, SegmentInfo segment, long fromOffset)
      throws IOException {
    long position = 0;
    if (fromOffset > segment.firstOffset()) {
      SegmentIndex index = readIndex(storage, segment);
      int entry = index.firstEntryReaching(fromOffset);
      position = entry < 0 ? segment.size() : index.entries().get(entry).position();
    }
    InputStream raw = storage.get(segment.key(), position, segment.size() - position);
    return new SegmentReader(segment, new BufferedInputStream(raw, 1 << 16), position);
  }

  public static SegmentIndex readIndex(Storage storage, SegmentInfo segment) throws IOException {
    return SegmentIndex.fromBytes(storage.readAll(segment.indexKey()), segment.indexKey());
  }

  /** The next batch, or null after the last one. */
  public RecordBatch next() throws IOException {
    RecordBatch batch = RecordBatch.read(in, segment.key(), position);
    if (batch == null) {
      if (position != segment.size()) {
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
    previousLastOffset = batch.lastOffset();
    position += batch.sizeInBytes();
    return batch;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}

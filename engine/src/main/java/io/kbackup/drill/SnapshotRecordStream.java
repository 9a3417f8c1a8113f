package io.kbackup.drill;

import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.RecordBatch;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentReader;
import io.kbackup.storage.Storage;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * The records a snapshot holds for one partition in {@code [from, to)}, one at a time, reading one
 * batch at a time.
 */
final class SnapshotRecordStream implements Closeable {

  private final Storage storage;
  private final Iterator<SegmentInfo> segments;
  private final long from;
  private final long to;
  private final Deque<BackupRecord> pending = new ArrayDeque<>();
  private SegmentReader reader;

  SnapshotRecordStream(Storage storage, List<SegmentInfo> segments, long from, long to) {
    this.storage = storage;
    this.segments = segments.iterator();
    this.from = from;
    this.to = to;
  }

  /** The next record, or null after the last. */
  BackupRecord next() throws IOException {
    while (pending.isEmpty()) {
      if (reader == null) {
        if (!segments.hasNext()) {
          return null;
        }
        reader = SegmentReader.open(storage, segments.next(), from);
      }
      RecordBatch batch = reader.next();
      if (batch == null) {
        reader.close();
        reader = null;
        continue;
      }
      for (BackupRecord r : batch.records()) {
        if (r.offset() >= from && r.offset() < to) {
          pending.add(r);
        }
      }
    }
    return pending.poll();
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
    }
  }
}

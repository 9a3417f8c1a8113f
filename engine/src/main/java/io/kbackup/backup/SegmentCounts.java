package io.kbackup.backup;

import io.kbackup.segment.RecordBatch;
import io.kbackup.segment.SegmentIndex;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentReader;
import io.kbackup.storage.Storage;
import java.io.IOException;

/** Counts the records of a stored segment at or after an offset, reading as little as it can. */
final class SegmentCounts {

  private SegmentCounts() {}

  static long countFrom(Storage storage, SegmentInfo segment, long fromOffset) throws IOException {
    if (fromOffset <= segment.firstOffset()) {
      return segment.recordCount();
    }
    if (fromOffset > segment.lastOffset()) {
      return 0;
    }
    SegmentIndex index = SegmentReader.readIndex(storage, segment);
    long count = 0;
    boolean boundaryCounted = false;
    for (SegmentIndex.Entry e : index.entries()) {
      if (e.baseOffset() >= fromOffset) {
        count += e.count();
      } else if (e.lastOffset() >= fromOffset && !boundaryCounted) {
        boundaryCounted = true;
        try (SegmentReader reader = SegmentReader.open(storage, segment, fromOffset)) {
          RecordBatch batch = reader.next();
          count += batch.records().stream().filter(r -> r.offset() >= fromOffset).count();
        }
      }
    }
    return count;
  }
}

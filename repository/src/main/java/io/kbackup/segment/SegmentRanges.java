package io.kbackup.segment;

import io.kbackup.storage.Storage;
import java.io.IOException;
import java.util.List;

/**
 * Counts the records of a partition's segments within an offset range, optionally up to a point in
 * time, reading only the batches at the edges (the index answers for the rest).
 */
public final class SegmentRanges {

  /**
   * The records of a range.
   *
   * @param stopOffset exclusive end: the range's end, or the first record later than the time
   */
  public record Cut(long stopOffset, long recordCount) {}

  private SegmentRanges() {}

  /**
   * Counts records with {@code from <= offset < to}, stopping at the first record whose timestamp
   * is after {@code maxTimestamp} when that is not null.
   */
  public static Cut cut(
      Storage storage, List<SegmentInfo> segments, long from, long to, Long maxTimestamp)
      throws IOException {
    long count = 0;
    for (SegmentInfo segment : segments) {
      if (segment.lastOffset() < from || segment.firstOffset() >= to) {
        continue;
      }
      boolean inside = segment.firstOffset() >= from && segment.lastOffset() < to;
      if (inside && (maxTimestamp == null || segment.maxTimestamp() <= maxTimestamp)) {
        count += segment.recordCount();
        continue;
      }
      SegmentIndex index = SegmentReader.readIndex(storage, segment);
      for (SegmentIndex.Entry e : index.entries()) {
        if (e.lastOffset() < from || e.baseOffset() >= to) {
          continue;
        }
        boolean entryInside = e.baseOffset() >= from && e.lastOffset() < to;
        if (entryInside && (maxTimestamp == null || e.maxTimestamp() <= maxTimestamp)) {
          count += e.count();
          continue;
        }
        try (SegmentReader reader = SegmentReader.open(storage, segment, index, e.baseOffset())) {
          for (BackupRecord r : reader.next().records()) {
            if (r.offset() < from || r.offset() >= to) {
              continue;
            }
            if (maxTimestamp != null && r.timestamp() > maxTimestamp) {
              return new Cut(r.offset(), count);
            }
            count++;
          }
        }
      }
    }
    return new Cut(to, count);
  }
}

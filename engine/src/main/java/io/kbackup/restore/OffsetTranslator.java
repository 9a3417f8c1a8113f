package io.kbackup.restore;

import java.util.List;

/**
 * Translates a committed source offset (the next record a group would read) into the target offset
 * holding that record, through a partition's offset map. A committed offset that falls in a gap
 * (compaction, transaction markers, aborted records, records before the snapshot) goes to the next
 * restored record; one after every restored record goes to the end of the restored data. So a group
 * resumes on the same record it would have read in the source, or re-reads, never skips.
 */
final class OffsetTranslator {

  private final List<OffsetRange> ranges;
  private final long targetEnd;

  /**
   * @param ranges the partition's offset map, in source offset order
   * @param targetEnd the target offset after the last restored record
   */
  OffsetTranslator(List<OffsetRange> ranges, long targetEnd) {
    this.ranges = List.copyOf(ranges);
    this.targetEnd = targetEnd;
  }

  long translate(long sourceOffset) {
    int low = 0;
    int high = ranges.size() - 1;
    int found = -1;
    while (low <= high) {
      // the first range that still has source offsets at or after sourceOffset
      int mid = (low + high) >>> 1;
      OffsetRange r = ranges.get(mid);
      if (r.sourceStart() + r.count() > sourceOffset) {
        found = mid;
        high = mid - 1;
      } else {
        low = mid + 1;
      }
    }
    if (found < 0) {
      return targetEnd;
    }
    OffsetRange r = ranges.get(found);
    return sourceOffset <= r.sourceStart()
        ? r.targetStart()
        : r.targetStart() + (sourceOffset - r.sourceStart());
  }
}

package io.kbackup.restore;

import java.util.ArrayList;
import java.util.List;

/** Builds the source-to-target offset map of one partition as compact ranges. */
final class OffsetMapBuilder {

  private final List<OffsetRange> ranges = new ArrayList<>();
  private long sourceStart = -1;
  private long targetStart;
  private long count;

  void add(long sourceOffset, long targetOffset) {
    if (count > 0 && sourceOffset == sourceStart + count && targetOffset == targetStart + count) {
      count++;
      return;
    }
    flush();
    sourceStart = sourceOffset;
    targetStart = targetOffset;
    count = 1;
  }

  private void flush() {
    if (count > 0) {
      ranges.add(new OffsetRange(sourceStart, targetStart, count));
    }
    count = 0;
  }

  List<OffsetRange> build() {
    flush();
    return List.copyOf(ranges);
  }
}

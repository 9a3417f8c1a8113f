package io.kbackup.repository;

import io.kbackup.segment.SegmentInfo;
import java.util.List;

/**
 * One partition of a snapshot: the records with offsets in {@code [startOffset, endOffset)} that
 * the listed segments hold. A segment may begin before {@code startOffset} when it is shared with
 * an earlier snapshot and the partition's log start moved since; such records are not part of this
 * snapshot.
 *
 * @param endOffset the partition's last stable offset at the cut (exclusive)
 * @param recordCount records of this snapshot in the range (offsets may have gaps)
 */
public record PartitionSnapshot(
    int partition, long startOffset, long endOffset, long recordCount, List<SegmentInfo> segments) {

  public PartitionSnapshot {
    segments = List.copyOf(segments);
  }
}

package io.kbackup.backup;

import io.kbackup.segment.SegmentInfo;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * What a backup does for one partition: the range of the cut, the segments it re-uses from the
 * previous snapshot and where reading starts.
 */
record PartitionPlan(
    TopicPartition partition,
    long startOffset,
    long endOffset,
    List<SegmentInfo> reused,
    long reusedRecords,
    long readFrom) {

  boolean needsReading() {
    return readFrom < endOffset;
  }
}

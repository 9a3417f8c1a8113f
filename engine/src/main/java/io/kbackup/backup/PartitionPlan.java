package io.kbackup.backup;

import io.kbackup.segment.SegmentInfo;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * What a backup does for one partition: the range of the cut, the segments it re-uses (from the
 * previous snapshot, or stored by an interrupted backup) and where reading starts.
 *
 * @param resumedSegments how many of the re-used segments an interrupted backup had stored
 */
record PartitionPlan(
    TopicPartition partition,
    String topicId,
    long startOffset,
    long endOffset,
    List<SegmentInfo> reused,
    long reusedRecords,
    long readFrom,
    int resumedSegments) {

  boolean needsReading() {
    return readFrom < endOffset;
  }
}

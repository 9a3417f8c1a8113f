package io.kbackup.restore;

import io.kbackup.segment.SegmentInfo;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * The plan for one partition: which records of the snapshot go where.
 *
 * @param startOffset first source offset restored (records below are not part of the snapshot)
 * @param stopOffset source offset where restoring stops (exclusive)
 * @param recordCount records in {@code [startOffset, stopOffset)}
 * @param storedBytes bytes of the segments read
 */
public record PartitionRestore(
    TopicPartition source,
    TopicPartition target,
    List<SegmentInfo> segments,
    long startOffset,
    long stopOffset,
    long recordCount,
    long storedBytes) {}

package io.kbackup.backup;

import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentRanges;
import io.kbackup.segment.SegmentWriter;
import io.kbackup.segment.SegmentWriters;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * One partition of a continuous backup. Records read after the last snapshot go to an open segment.
 * When a cut is pending, the segment is sealed at the cut's end offset: at the first record at or
 * past it, or once the consumer's position reaches it. The next snapshot lists the last snapshot's
 * segments and the sealed ones; records past the cut go on into a new segment.
 */
final class PartitionTail {

  private final TopicPartition partition;
  private final String topicId;
  private final SegmentWriters writers;
  private final Storage storage;
  private final int consolidateAfter;

  private PartitionSnapshot last;
  private SegmentWriter writer;
  private long unsealedRecords;
  private long cutEnd = -1;
  private List<SegmentInfo> sealed;
  private long sealedRecords;

  /** The long segment: every record from {@code longFrom} on. */
  private SegmentWriter longWriter;

  private long longFrom;
  private int smallSinceLong;
  private List<SegmentInfo> longSealed;
  private int reused;

  PartitionTail(
      TopicPartition partition,
      String topicId,
      PartitionSnapshot last,
      SegmentWriters writers,
      Storage storage,
      int consolidateAfter) {
    this.partition = partition;
    this.topicId = topicId;
    this.last = last;
    this.writers = writers;
    this.storage = storage;
    this.consolidateAfter = consolidateAfter;
    this.writer = writers.open(Backup.segmentPrefix(partition));
    this.longWriter = writers.open(Backup.segmentPrefix(partition));
    this.longFrom = last.endOffset();
  }

  String topicId() {
    return topicId;
  }

  /** Where reading goes on: the end of the last snapshot. */
  long resumeAt() {
    return last.endOffset();
  }

  void append(BackupRecord record) throws IOException {
    if (cutPending() && record.offset() >= cutEnd) {
      seal();
    }
    writer.append(record);
    longWriter.append(record);
    unsealedRecords++;
  }

  /**
   * Marks the end offset of a new cut; false when the log no longer continues the last snapshot.
   */
  boolean cutAt(long endOffset) {
    if (endOffset < last.endOffset()) {
      return false;
    }
    cutEnd = endOffset;
    sealed = null;
    return true;
  }

  /** Seals the segment when the consumer has read everything before the cut. */
  void positionIs(long position) throws IOException {
    if (cutPending() && position >= cutEnd) {
      seal();
    }
  }

  boolean cutPending() {
    return cutEnd >= 0 && sealed == null;
  }

  private void seal() throws IOException {
    sealed = writer.finish();
    sealedRecords = unsealedRecords;
    unsealedRecords = 0;
    writer = writers.open(Backup.segmentPrefix(partition));
    smallSinceLong += sealed.size();
    if (smallSinceLong >= consolidateAfter) {
      longSealed = longWriter.finish();
      longWriter = writers.open(Backup.segmentPrefix(partition));
    }
  }

  /** Bytes of the segments sealed at the cut; only after the cut is no longer pending. */
  long sealedBytes() {
    List<SegmentInfo> all = new ArrayList<>(sealed);
    if (longSealed != null) {
      all.addAll(longSealed);
    }
    return all.stream().mapToLong(s -> s.size() + s.indexSize()).sum();
  }

  /**
   * The partition as the next snapshot holds it, from the log start at the cut; it becomes the last
   * snapshot this tail continues.
   */
  PartitionSnapshot commit(long startOffset) throws IOException {
    List<SegmentInfo> segments = new ArrayList<>();
    for (SegmentInfo s : last.segments()) {
      boolean replaced = longSealed != null && s.firstOffset() >= longFrom;
      if (s.lastOffset() >= startOffset && !replaced) {
        segments.add(s);
      }
    }
    reused = segments.size();
    if (longSealed != null) {
      segments.addAll(longSealed);
      longSealed = null;
      longFrom = cutEnd;
      smallSinceLong = 0;
    } else {
      segments.addAll(sealed);
    }
    long count =
        startOffset == last.startOffset()
            ? last.recordCount() + sealedRecords
            : SegmentRanges.cut(storage, segments, startOffset, cutEnd, null).recordCount();
    last = new PartitionSnapshot(partition.partition(), startOffset, cutEnd, count, segments);
    cutEnd = -1;
    sealed = null;
    return last;
  }

  /** Segments of the last snapshot that the one just committed lists again. */
  int reused() {
    return reused;
  }

  /** Drops the open segment; what was stored of it is unreferenced and left to prune. */
  void abort() {
    writer.abort();
    longWriter.abort();
  }
}

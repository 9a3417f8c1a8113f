package io.kbackup.backup;

import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.SegmentConcatenation;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentRanges;
import io.kbackup.segment.SegmentWriter;
import io.kbackup.segment.SegmentWriters;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * One partition of a continuous backup. Records read after the last snapshot go to an open segment.
 * When a cut is pending, the segment is sealed at the cut's end offset: at the first record at or
 * past it, or once the consumer's position reaches it. The next snapshot lists the last snapshot's
 * segments and the sealed ones; records past the cut go on into a new segment.
 *
 * <p>So that snapshots do not list ever more small segments, the segments this tail wrote are
 * joined in levels (see {@link SegmentConcatenation}, which copies bytes and compresses nothing
 * again): once {@code fanIn} segments of one level follow each other, they become one segment of
 * the next level, unless together they exceed the repository's segment size. A partition tailed for
 * a long time thus lists a few segments per level. The small segments the last snapshot ends with,
 * such as those of a tail that ran before, start at the first level. The joined segments stay for
 * the older snapshots that list them, until retention drops those.
 */
final class PartitionTail {

  private static final int LEVELS = 3;

  private final TopicPartition partition;
  private final String topicId;
  private final SegmentWriters writers;
  private final Storage storage;
  private final int fanIn;
  private final long segmentBytes;

  private PartitionSnapshot last;
  private SegmentWriter writer;
  private long unsealedRecords;
  private long cutEnd = -1;
  private List<SegmentInfo> sealed;
  private long sealedRecords;
  private int reused;

  /** Segments of the last snapshot from before this tail began; then those it wrote, by level. */
  private final List<SegmentInfo> before = new ArrayList<>();

  private final List<List<SegmentInfo>> levels = new ArrayList<>();

  PartitionTail(
      TopicPartition partition,
      String topicId,
      PartitionSnapshot last,
      SegmentWriters writers,
      Storage storage,
      int fanIn,
      long segmentBytes) {
    this.partition = partition;
    this.topicId = topicId;
    this.last = last;
    this.writers = writers;
    this.storage = storage;
    this.fanIn = fanIn;
    this.segmentBytes = segmentBytes;
    this.writer = writers.open(Backup.segmentPrefix(partition));
    for (int i = 0; i <= LEVELS; i++) {
      levels.add(new ArrayList<>()); // the last level is never joined further
    }
    // small segments the snapshot ends with (of an earlier tail, say) are joined with the new ones
    List<SegmentInfo> segments = last.segments();
    int small = segments.size();
    while (small > 0 && segments.get(small - 1).size() < segmentBytes / 2) {
      small--;
    }
    before.addAll(segments.subList(0, small));
    levels.get(0).addAll(segments.subList(small, segments.size()));
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
    levels.get(0).addAll(sealed);
    for (int level = 0; level < LEVELS; level++) {
      List<SegmentInfo> run = levels.get(level);
      if (run.size() < fanIn) {
        break;
      }
      long bytes = run.stream().mapToLong(SegmentInfo::size).sum();
      List<SegmentInfo> next = levels.get(level + 1);
      if (bytes <= segmentBytes) {
        next.add(SegmentConcatenation.join(storage, Backup.segmentPrefix(partition), run));
      } else {
        next.addAll(run); // large enough as they are
      }
      run.clear();
    }
  }

  /** Bytes of the segments stored for the cut: those sealed and those joined. */
  long sealedBytes() {
    Set<String> listed = lastKeys();
    return segments().stream()
        .filter(s -> !listed.contains(s.key()))
        .mapToLong(s -> s.size() + s.indexSize())
        .sum();
  }

  /** Every segment the next snapshot may list, in offset order: the oldest level first. */
  private List<SegmentInfo> segments() {
    List<SegmentInfo> all = new ArrayList<>(before);
    for (int level = LEVELS; level >= 0; level--) {
      all.addAll(levels.get(level));
    }
    return all;
  }

  private Set<String> lastKeys() {
    Set<String> keys = new HashSet<>();
    last.segments().forEach(s -> keys.add(s.key()));
    return keys;
  }

  /** Segments of the last snapshot that the one just committed lists again. */
  int reused() {
    return reused;
  }

  /**
   * The partition as the next snapshot holds it, from the log start at the cut; it becomes the last
   * snapshot this tail continues.
   */
  PartitionSnapshot commit(long startOffset) throws IOException {
    before.removeIf(s -> s.lastOffset() < startOffset);
    levels.forEach(level -> level.removeIf(s -> s.lastOffset() < startOffset));
    List<SegmentInfo> segments = segments();
    Set<String> listed = lastKeys();
    reused = (int) segments.stream().filter(s -> listed.contains(s.key())).count();
    long count =
        startOffset == last.startOffset()
            ? last.recordCount() + sealedRecords
            : SegmentRanges.cut(storage, segments, startOffset, cutEnd, null).recordCount();
    last = new PartitionSnapshot(partition.partition(), startOffset, cutEnd, count, segments);
    cutEnd = -1;
    sealed = null;
    return last;
  }

  /** Drops the open segment; what was stored of it is unreferenced and left to prune. */
  void abort() {
    writer.abort();
  }
}

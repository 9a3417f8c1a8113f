package io.kbackup.verify;

import io.kbackup.error.Untrusted;
import io.kbackup.repository.IncludedFile;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.storage.ObjectKeys;
import io.kbackup.verify.Problem.Kind;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Checks that a parsed manifest is sound on its own, without reading data: the rules of the
 * repository format on ids, digests, sizes and offsets (segments ordered, disjoint and within their
 * partition's range; counts possible).
 */
final class ManifestChecks {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final int BATCH_HEADER_BYTES = 61;
  private static final int INDEX_HEADER_BYTES = 16;
  private static final int INDEX_ENTRY_BYTES = 40;

  private final String key;
  private final Consumer<Problem> problems;

  private ManifestChecks(String key, Consumer<Problem> problems) {
    this.key = key;
    this.problems = problems;
  }

  static void check(String key, SnapshotManifest manifest, Consumer<Problem> problems) {
    new ManifestChecks(key, problems).check(manifest);
  }

  /**
   * Whether the segment's data and index keys can be looked up: present, under {@code data/} and
   * valid object keys. The data of a segment without them is not read; its manifest is damaged.
   */
  static boolean hasUsableKeys(SegmentInfo s) {
    return isDataKey(s.key()) && isDataKey(s.indexKey());
  }

  private static boolean isDataKey(String key) {
    return key != null && key.startsWith(Repository.DATA_PREFIX) && ObjectKeys.isValid(key);
  }

  /** Whether the file's key is {@code files/} and its SHA-256, as the format names them. */
  static boolean hasUsableKey(IncludedFile f) {
    return f.sha256() != null
        && SHA256.matcher(f.sha256()).matches()
        && (Repository.FILES_PREFIX + f.sha256()).equals(f.key());
  }

  static String topicPartition(String topic, int partition) {
    return topic + "-" + partition;
  }

  private void check(SnapshotManifest m) {
    if (!key.equals(Repository.SNAPSHOTS_PREFIX + m.id() + ".json")) {
      fail("holds snapshot id " + Untrusted.text(m.id()) + ", which differs from its key");
    }
    Set<String> names = new HashSet<>();
    for (TopicSnapshot t : m.topics()) {
      if (t == null || t.name() == null || !TOPIC.matcher(t.name()).matches()) {
        fail("names a topic that is not a legal topic name");
        continue;
      }
      if (!names.add(t.name())) {
        fail("lists topic " + t.name() + " twice");
      }
      checkTopic(t);
    }
    for (IncludedFile f : m.files()) {
      if (!hasUsableKey(f) || f.size() < 0) {
        fail(
            "describes included file "
                + Untrusted.text(f.name())
                + " with a wrong key, size or SHA-256");
      }
    }
  }

  private void checkTopic(TopicSnapshot t) {
    Set<Integer> seen = new HashSet<>();
    for (PartitionSnapshot p : t.partitions()) {
      String tp = topicPartition(t.name(), p.partition());
      if (p.partition() < 0 || p.partition() >= t.partitionCount() || !seen.add(p.partition())) {
        fail(tp, "partition number outside the topic's " + t.partitionCount() + " or listed twice");
      }
      checkPartition(tp, p);
    }
  }

  private void checkPartition(String tp, PartitionSnapshot p) {
    long start = p.startOffset();
    long end = p.endOffset();
    if (start < 0 || end < start) {
      fail(tp, "impossible offset range [" + start + ", " + end + ")");
      return;
    }
    if (p.recordCount() < 0 || p.recordCount() > end - start) {
      partitionProblem(
          tp, p, p.recordCount() + " records cannot lie in [" + start + ", " + end + ")");
    }
    long previousLast = -1;
    long stored = 0;
    for (SegmentInfo s : p.segments()) {
      checkSegment(tp, s, start, end, previousLast);
      previousLast = Math.max(previousLast, s.lastOffset());
      stored += s.recordCount();
    }
    if (stored < p.recordCount()) {
      partitionProblem(
          tp, p, "its segments hold " + stored + " records, fewer than its " + p.recordCount());
    }
  }

  private void partitionProblem(String tp, PartitionSnapshot p, String detail) {
    problems.accept(
        Problem.of(Kind.INCONSISTENT, key, tp, p.startOffset(), p.endOffset() - 1, detail));
  }

  private void checkSegment(String tp, SegmentInfo s, long start, long end, long previousLast) {
    String what = "segment " + s.key() + " ";
    if (!hasUsableKeys(s)) {
      fail(tp, "lists a segment without a valid key");
      return;
    }
    List<String> wrong = new java.util.ArrayList<>();
    if (s.sha256() == null || !SHA256.matcher(s.sha256()).matches()) {
      wrong.add("SHA-256");
    }
    if (s.indexSha256() == null || !SHA256.matcher(s.indexSha256()).matches()) {
      wrong.add("index SHA-256");
    }
    if (s.size() < BATCH_HEADER_BYTES) {
      wrong.add("size");
    }
    if (s.indexSize() < INDEX_HEADER_BYTES
        || (s.indexSize() - INDEX_HEADER_BYTES) % INDEX_ENTRY_BYTES != 0) {
      wrong.add("index size");
    }
    if (s.recordCount() < 1
        || s.firstOffset() > s.lastOffset()
        || s.recordCount() - 1 > s.lastOffset() - s.firstOffset()) {
      wrong.add("record count or offsets");
    }
    if (!wrong.isEmpty()) {
      segmentProblem(tp, s, what + "has an impossible " + String.join(", ", wrong));
    }
    if (s.firstOffset() <= previousLast) {
      segmentProblem(tp, s, what + "overlaps the segment before it or is out of order");
    }
    if (s.lastOffset() >= end || s.lastOffset() < start) {
      segmentProblem(
          tp, s, what + "lies outside the partition's range [" + start + ", " + end + ")");
    }
  }

  private void segmentProblem(String tp, SegmentInfo s, String detail) {
    problems.accept(
        Problem.of(Kind.INCONSISTENT, key, tp, s.firstOffset(), s.lastOffset(), detail));
  }

  private void fail(String detail) {
    problems.accept(Problem.of(Kind.CORRUPT, key, detail));
  }

  private void fail(String tp, String detail) {
    problems.accept(new Problem(Kind.CORRUPT, key, tp, null, null, detail));
  }
}

package io.kbackup.backup;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.Untrusted;
import io.kbackup.repository.DocumentRules;
import io.kbackup.repository.Documents;
import io.kbackup.repository.Json;
import io.kbackup.repository.Repository;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;

/**
 * The segments a running backup has stored so far, kept in the repository as {@code
 * progress/RUN.json}. It is not a snapshot and nothing restores from it: when a backup dies before
 * its commit, the next backup finds its progress and continues each partition after the segments
 * already stored instead of reading them from Kafka again.
 */
public final class BackupProgress {

  public static final String PREFIX = "progress/";

  /** What a run or lock id may be: kbackup writes UUIDs. */
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  /**
   * What one partition stored.
   *
   * @param readFrom the offset the run began reading at: a later run continues these segments only
   *     when it would begin at the same offset
   */
  public record Partition(
      String topic, String topicId, int partition, long readFrom, List<SegmentInfo> segments) {

    public Partition {
      segments = List.copyOf(segments);
    }
  }

  /**
   * The progress document of one run.
   *
   * @param lockId the lock the run holds; while it is live the run is too
   */
  public record Document(
      String runId, String lockId, String clusterId, String startedAt, List<Partition> partitions) {

    public Document {
      partitions = partitions == null ? List.of() : List.copyOf(partitions);
    }
  }

  private final Storage storage;
  private final String runId = UUID.randomUUID().toString();
  private final String lockId;
  private final String clusterId;
  private final String startedAt = Instant.now().toString();
  private final Map<String, Partition> partitions = new TreeMap<>();

  BackupProgress(Storage storage, String lockId, String clusterId) {
    this.storage = storage;
    this.lockId = lockId;
    this.clusterId = clusterId;
  }

  /** Records a partition's start before its first segment. */
  synchronized void reading(TopicPartition tp, String topicId, long readFrom) {
    partitions.put(
        tp.toString(), new Partition(tp.topic(), topicId, tp.partition(), readFrom, List.of()));
  }

  /** Records a stored segment and writes the progress, so it outlives this process. */
  synchronized void stored(TopicPartition tp, SegmentInfo segment) throws IOException {
    Partition p = partitions.get(tp.toString());
    List<SegmentInfo> segments = new ArrayList<>(p.segments());
    segments.add(segment);
    partitions.put(
        tp.toString(),
        new Partition(p.topic(), p.topicId(), p.partition(), p.readFrom(), segments));
    storage.put(
        key(runId),
        Json.write(
            new Document(runId, lockId, clusterId, startedAt, List.copyOf(partitions.values()))));
  }

  /** Removes this run's progress, once its snapshot is committed. */
  void finished() throws IOException {
    storage.delete(key(runId));
  }

  /**
   * Progress of runs that are no longer alive: their lock is not among the live ones. A progress
   * document that cannot be read (removed while listing) is skipped; a damaged one is damage (exit
   * 13), since its segments would enter the next snapshot and decide what a prune keeps.
   */
  public static List<Document> leftBehind(Storage storage, Set<String> liveLocks)
      throws IOException {
    List<Document> documents = new ArrayList<>();
    for (ObjectInfo o : storage.list(PREFIX)) {
      Document d;
      try {
        d = read(storage, o.key());
      } catch (IOException e) {
        continue; // finished meanwhile, or out of reach: only an optimisation is lost
      }
      if (!liveLocks.contains(d.lockId())) {
        documents.add(d);
      }
    }
    return documents;
  }

  /** The progress document of that key, checked field by field. */
  public static Document read(Storage storage, String key) throws IOException {
    Document d;
    try {
      d = Documents.read(storage, key, Repository.MAX_MANIFEST_BYTES, "a progress", Document.class);
    } catch (CorruptDataException e) {
      throw damaged(e.getMessage(), key);
    }
    String problem = problem(d, key);
    if (problem != null) {
      throw damaged(Untrusted.text(key) + ": " + problem, key);
    }
    return d;
  }

  /** Why the document cannot be progress kbackup wrote under that key; null when it can. */
  private static String problem(Document d, String key) {
    if (d.runId() == null || !RUN_ID.matcher(d.runId()).matches() || !key.equals(key(d.runId()))) {
      return "its run id " + Untrusted.quote(d.runId()) + " is not the name of its object";
    }
    if (d.lockId() == null || !RUN_ID.matcher(d.lockId()).matches()) {
      // the lock tells whether the run still goes on
      return "its lock id " + Untrusted.quote(d.lockId()) + " is no lock id";
    }
    for (Partition p : d.partitions()) {
      if (!DocumentRules.isTopicName(p.topic())
          || p.topicId() == null
          || p.partition() < 0
          || p.readFrom() < 0) {
        return "lists a partition that cannot be: topic "
            + Untrusted.quote(p.topic())
            + ", partition "
            + p.partition()
            + ", read from "
            + p.readFrom();
      }
      for (SegmentInfo s : p.segments()) {
        String segment = DocumentRules.segmentProblem(s);
        if (segment != null) {
          return "lists " + segment;
        }
      }
    }
    return null;
  }

  private static CorruptDataException damaged(String message, String key) {
    return new CorruptDataException(
        message,
        "delete "
            + Untrusted.text(key)
            + " when no backup runs: the next backup then reads those partitions from Kafka again");
  }

  public static void remove(Storage storage, List<Document> documents) throws IOException {
    for (Document d : documents) {
      storage.delete(key(d.runId()));
    }
  }

  public static String key(String runId) {
    return PREFIX + runId + ".json";
  }
}

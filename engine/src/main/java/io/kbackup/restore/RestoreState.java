package io.kbackup.restore;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.Untrusted;
import io.kbackup.repository.DocumentRules;
import io.kbackup.repository.Documents;
import io.kbackup.repository.Repository;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * The record a restore keeps in the repository, {@code restores/ID.json}. Written before the first
 * record is sent, so a re-run knows where each target partition began and resumes from the target's
 * own end offset; completed with the source-to-target offset map.
 *
 * @param status {@code running} or {@code complete}
 * @param createdTopics target topics this restore creates, whose backed-up configs it applies once
 *     the data is in, even when a later run finishes the work
 */
public record RestoreState(
    String id,
    String snapshotId,
    String targetClusterId,
    String toTime,
    String status,
    String startedAt,
    String completedAt,
    List<Partition> partitions,
    List<String> createdTopics) {

  public RestoreState {
    createdTopics = createdTopics == null ? List.of() : List.copyOf(createdTopics);
  }

  public static final String RUNNING = "running";
  public static final String COMPLETE = "complete";

  /**
   * One target partition.
   *
   * @param targetStartOffset the target's end offset before the restore wrote to it
   * @param offsetMap where each source offset went; set when complete
   */
  public record Partition(
      String sourceTopic,
      String targetTopic,
      int partition,
      long targetStartOffset,
      long recordCount,
      List<OffsetRange> offsetMap) {}

  /**
   * The state of restore {@code id} of the snapshot, stored under {@code key}, checked against the
   * target partitions of the plan; damage (exit 13) when it cannot be one kbackup wrote.
   */
  public static RestoreState read(
      Storage storage, String key, String id, String snapshotId, List<TopicPartition> targets)
      throws IOException {
    String hint =
        "if no restore of this snapshot runs, delete "
            + key
            + " and restore into empty or new target topics (--topic-map)";
    RestoreState state;
    try {
      state =
          Documents.read(
              storage, key, Repository.MAX_MANIFEST_BYTES, "a restore state", RestoreState.class);
    } catch (CorruptDataException e) {
      throw new CorruptDataException(e.getMessage(), hint);
    }
    String problem = state.problem(id, snapshotId, targets);
    if (problem != null) {
      throw new CorruptDataException(key + ": " + problem, hint);
    }
    return state;
  }

  /**
   * Why this state, read as that of restore {@code id} of the snapshot, cannot be one kbackup wrote
   * for these target partitions; null when it can. Its id names the object it is saved to, and its
   * start offsets decide which records a resumed restore sends.
   */
  String problem(String id, String snapshotId, List<TopicPartition> targets) {
    if (!id.equals(this.id)) {
      return "its id " + Untrusted.quote(this.id) + " is not the name of its object";
    }
    if (!snapshotId.equals(this.snapshotId)) {
      return "it restores snapshot " + Untrusted.quote(this.snapshotId) + ", not " + snapshotId;
    }
    if (!RUNNING.equals(status) && !COMPLETE.equals(status)) {
      return "unknown status " + Untrusted.quote(status);
    }
    if (partitions == null) {
      return "it lists no partitions";
    }
    for (Partition p : partitions) {
      if (p == null
          || !DocumentRules.isTopicName(p.sourceTopic())
          || !DocumentRules.isTopicName(p.targetTopic())
          || p.partition() < 0
          || p.targetStartOffset() < 0
          || p.recordCount() < 0) {
        return "it lists a partition that cannot be: "
            + (p == null
                ? "null"
                : "target "
                    + Untrusted.quote(p.targetTopic())
                    + " partition "
                    + p.partition()
                    + " from offset "
                    + p.targetStartOffset()
                    + ", "
                    + p.recordCount()
                    + " records");
      }
    }
    for (TopicPartition target : targets) {
      if (partitions.stream()
          .noneMatch(
              p -> p.targetTopic().equals(target.topic()) && p.partition() == target.partition())) {
        return "it does not list target partition " + target;
      }
    }
    for (String topic : createdTopics) {
      if (!DocumentRules.isTopicName(topic)) {
        return "it lists a created topic whose name Kafka does not allow: "
            + Untrusted.quote(topic);
      }
    }
    return null;
  }

  /** The entry of a target partition. */
  public Partition partition(org.apache.kafka.common.TopicPartition target) {
    return partitions.stream()
        .filter(p -> p.targetTopic().equals(target.topic()) && p.partition() == target.partition())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("restore state lacks " + target));
  }
}

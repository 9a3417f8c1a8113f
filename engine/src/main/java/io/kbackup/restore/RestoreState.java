package io.kbackup.restore;

import java.util.List;

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

  /** The entry of a target partition. */
  public Partition partition(org.apache.kafka.common.TopicPartition target) {
    return partitions.stream()
        .filter(p -> p.targetTopic().equals(target.topic()) && p.partition() == target.partition())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("restore state lacks " + target));
  }
}

package io.kbackup.restore;

import java.time.Duration;
import java.util.List;

/**
 * What a restore did, or for a dry run would do.
 *
 * @param recordsSent records produced by this run
 * @param recordsAlreadyPresent records a previous, interrupted run had already restored
 * @param createdTopics target topics this run created
 * @param notes things the operator should know, one line each
 * @param groups consumer groups whose offsets were set (or, in a dry run, would be), or skipped
 *     with the reason
 * @param plannedChanges in a dry run, the topics, ACLs and quotas it would create, a line each
 * @param damaged partitions that damaged data ended early (with {@code skipDamaged}), a line each
 */
public record RestoreResult(
    String snapshotId,
    String stateId,
    List<PartitionRestore> plan,
    List<String> createdTopics,
    long recordsSent,
    long recordsAlreadyPresent,
    long payloadBytes,
    Duration elapsed,
    boolean dryRun,
    List<String> notes,
    List<GroupOutcome> groups,
    List<String> plannedChanges,
    List<String> damaged) {

  public long plannedRecords() {
    return plan.stream().mapToLong(PartitionRestore::recordCount).sum();
  }

  public long plannedBytes() {
    return plan.stream().mapToLong(PartitionRestore::storedBytes).sum();
  }
}

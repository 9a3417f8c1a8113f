package io.kbackup.restore;

import io.kbackup.kafka.TopicSelector;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What to restore and how.
 *
 * @param snapshotId a snapshot id or {@code latest}
 * @param toTime point in time: each partition stops at its first record later than this time, so a
 *     prefix of every partition is restored; null for all
 * @param parallelism partitions restored at the same time
 * @param groups consumer groups whose offsets are restored, by whole id
 * @param dataOnly restore records only: no consumer group offsets, ACLs or quotas
 * @param replicationFactor replication factor of created topics; null for the cluster's default
 * @param configOverrides configs of created topics that replace the backed-up values
 * @param principals renames of principals in restored ACLs and quotas
 */
public record RestoreOptions(
    String snapshotId,
    Instant toTime,
    TopicSelector topics,
    TopicMap topicMap,
    int parallelism,
    boolean dryRun,
    ExistingDataPolicy existingData,
    Pattern groups,
    boolean dataOnly,
    Integer replicationFactor,
    Map<String, String> configOverrides,
    PrincipalMap principals) {

  public static final Pattern ALL_GROUPS = Pattern.compile(".*");

  public RestoreOptions {
    configOverrides = configOverrides == null ? Map.of() : Map.copyOf(configOverrides);
    principals = principals == null ? PrincipalMap.identity() : principals;
  }

  /** Restores every consumer group of the snapshot along with the data, with no overrides. */
  public RestoreOptions(
      String snapshotId,
      Instant toTime,
      TopicSelector topics,
      TopicMap topicMap,
      int parallelism,
      boolean dryRun,
      ExistingDataPolicy existingData) {
    this(
        snapshotId,
        toTime,
        topics,
        topicMap,
        parallelism,
        dryRun,
        existingData,
        ALL_GROUPS,
        false,
        null,
        Map.of(),
        PrincipalMap.identity());
  }
}

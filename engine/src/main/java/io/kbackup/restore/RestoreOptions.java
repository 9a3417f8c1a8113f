package io.kbackup.restore;

import io.kbackup.kafka.TopicSelector;
import java.time.Instant;

/**
 * What to restore and how.
 *
 * @param snapshotId a snapshot id or {@code latest}
 * @param toTime point in time: each partition stops at its first record later than this time, so a
 *     prefix of every partition is restored; null for all
 * @param parallelism partitions restored at the same time
 */
public record RestoreOptions(
    String snapshotId,
    Instant toTime,
    TopicSelector topics,
    TopicMap topicMap,
    int parallelism,
    boolean dryRun,
    ExistingDataPolicy existingData) {}

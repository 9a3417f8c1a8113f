package io.kbackup.backup;

import io.kbackup.kafka.TopicSelector;

/**
 * What to back up.
 *
 * @param full read every record again instead of re-using the segments of the last snapshot
 */
public record BackupOptions(TopicSelector topics, boolean full) {}

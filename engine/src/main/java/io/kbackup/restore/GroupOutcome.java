package io.kbackup.restore;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What a restore did with one consumer group.
 *
 * @param offsets the committed offsets set in the target, by target partition
 * @param skippedBecause why the group was left alone, or null when its offsets were set
 */
public record GroupOutcome(
    String groupId, Map<TopicPartition, Long> offsets, String skippedBecause) {}

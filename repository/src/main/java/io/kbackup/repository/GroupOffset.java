package io.kbackup.repository;

/**
 * One committed offset of a group: the offset of the next record the group would read.
 *
 * @param leaderEpoch the leader epoch committed with the offset, or null
 * @param metadata the metadata string committed with the offset, or null
 */
public record GroupOffset(
    String topic, int partition, long offset, Integer leaderEpoch, String metadata) {}

package io.kbackup.estimate;

/**
 * What one topic is expected to take in a repository.
 *
 * @param records records the topic holds now (end offsets minus start offsets)
 * @param brokerBytes bytes of one copy of the topic's logs on the brokers
 * @param sampledRecords records read and stored to measure the ratio
 * @param ratio stored bytes over payload bytes (keys, values, headers) of the sample
 * @param storedPerRecord stored bytes per record of the sample
 * @param fullBackupBytes records times stored bytes per record: a first backup
 * @param recordsPerSecond write rate seen in the sample's timestamps
 * @param growthPerDayBytes stored bytes the records of one day add
 * @param retainedBytes storage under the retention policy, or null when every snapshot is kept
 */
public record TopicEstimate(
    String topic,
    int partitions,
    long records,
    long brokerBytes,
    long sampledRecords,
    double ratio,
    double storedPerRecord,
    long fullBackupBytes,
    double recordsPerSecond,
    long growthPerDayBytes,
    Long retainedBytes) {}

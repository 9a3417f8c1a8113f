package io.kbackup.backup;

import io.kbackup.repository.SnapshotManifest;
import java.time.Duration;

/**
 * What a backup did.
 *
 * @param recordsRead records read from Kafka by this run (the rest were re-used)
 * @param bytesRead key, value and header bytes of those records
 * @param bytesWritten bytes of new segment objects stored
 */
public record BackupResult(
    SnapshotManifest snapshot,
    long recordsRead,
    long bytesRead,
    long bytesWritten,
    int segmentsReused,
    Duration elapsed) {}

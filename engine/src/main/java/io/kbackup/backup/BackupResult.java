package io.kbackup.backup;

import io.kbackup.repository.SnapshotManifest;
import java.time.Duration;

/**
 * What a backup did.
 *
 * @param recordsRead records read from Kafka by this run (the rest were re-used)
 * @param bytesRead key, value and header bytes of those records
 * @param bytesWritten bytes of new segment objects stored
 * @param segmentsReused segments of earlier snapshots, or of an interrupted backup, listed again
 * @param segmentsResumed of those, the segments an interrupted backup had stored
 */
public record BackupResult(
    SnapshotManifest snapshot,
    long recordsRead,
    long bytesRead,
    long bytesWritten,
    int segmentsReused,
    int segmentsResumed,
    Duration elapsed) {}

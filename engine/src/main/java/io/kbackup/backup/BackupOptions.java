package io.kbackup.backup;

import io.kbackup.kafka.TopicSelector;
import java.nio.file.Path;
import java.util.List;

/**
 * What to back up.
 *
 * @param full read every record again instead of re-using the segments of the last snapshot
 * @param includeFiles files of the user's (such as a broker's server.properties) stored verbatim
 *     with the snapshot
 */
public record BackupOptions(TopicSelector topics, boolean full, List<Path> includeFiles) {

  public BackupOptions {
    includeFiles = includeFiles == null ? List.of() : List.copyOf(includeFiles);
  }

  public BackupOptions(TopicSelector topics, boolean full) {
    this(topics, full, List.of());
  }
}

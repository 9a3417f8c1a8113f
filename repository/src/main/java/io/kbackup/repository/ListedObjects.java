package io.kbackup.repository;

import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.repository.lock.RepositoryLock;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The last check of a backup before its commit: every object its manifest lists is still stored. A
 * prune deletes what no committed snapshot lists once it holds the repository alone, and a backup
 * whose lock looked stale to it (paused past the stale age, a clock far off, two hosts of one name)
 * may have lost segments it re-uses from older snapshots, or wrote long ago. Its lock cannot always
 * tell; the objects can. Costs one listing per partition directory.
 */
public final class ListedObjects {

  private ListedObjects() {}

  /** Fails with exit code 11, committing nothing, when an object the manifest lists is gone. */
  public static void ensurePresent(Storage storage, SnapshotManifest manifest) throws IOException {
    Map<String, List<String>> byDirectory = new TreeMap<>();
    for (TopicSnapshot t : manifest.topics()) {
      for (PartitionSnapshot p : t.partitions()) {
        for (SegmentInfo s : p.segments()) {
          add(byDirectory, s.key());
          add(byDirectory, s.indexKey());
        }
      }
    }
    manifest.files().forEach(f -> add(byDirectory, f.key()));
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : byDirectory.entrySet()) {
      Set<String> stored = new HashSet<>();
      storage.list(e.getKey()).stream().map(ObjectInfo::key).forEach(stored::add);
      e.getValue().stream().filter(key -> !stored.contains(key)).forEach(missing::add);
    }
    if (!missing.isEmpty()) {
      throw new KbackupException(
          ExitCode.REPOSITORY_LOCKED,
          missing.size()
              + " objects that snapshot "
              + manifest.id()
              + " lists are gone from "
              + storage.location()
              + " (such as "
              + missing.get(0)
              + "): a prune deleted them while this backup ran; nothing was committed",
          "run the backup again; keep clocks in sync and host names unique, and never pause a"
              + " backup for "
              + RepositoryLock.STALE_AFTER.toMinutes()
              + " minutes or more: its lock then looks stale");
    }
  }

  private static void add(Map<String, List<String>> byDirectory, String key) {
    String directory = key.substring(0, key.lastIndexOf('/') + 1);
    byDirectory.computeIfAbsent(directory, d -> new ArrayList<>()).add(key);
  }
}

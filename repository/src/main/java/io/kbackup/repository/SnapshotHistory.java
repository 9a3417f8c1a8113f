package io.kbackup.repository;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * The committed snapshots, newest first, each manifest read when first reached. A snapshot's id
 * begins with its creation time to the second, so only the snapshots of one second need reading to
 * be put in order: finding the newest snapshot, or the newest one holding a partition, reads one or
 * a few manifests however many the repository keeps.
 */
public final class SnapshotHistory {

  private static final String TIMED_ID = "\\d{8}-\\d{6}.*";

  private final Repository repository;
  private final List<List<String>> groups = new ArrayList<>();
  private final List<SnapshotManifest> read = new ArrayList<>();
  private final int size;
  private int nextGroup;

  SnapshotHistory(Repository repository, List<String> ids) {
    this.repository = repository;
    this.size = ids.size();
    if (ids.stream().allMatch(id -> id.matches(TIMED_ID))) {
      TreeMap<String, List<String>> bySecond = new TreeMap<>(Comparator.reverseOrder());
      for (String id : ids) {
        bySecond.computeIfAbsent(id.substring(0, 15), s -> new ArrayList<>()).add(id);
      }
      groups.addAll(bySecond.values());
    } else if (!ids.isEmpty()) {
      groups.add(ids); // ids of another form: every manifest is read to order them
    }
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** The snapshot at that place, 0 being the newest; null past the oldest. */
  public SnapshotManifest get(int index) throws IOException {
    while (read.size() <= index && nextGroup < groups.size()) {
      List<SnapshotManifest> group = new ArrayList<>();
      for (String id : groups.get(nextGroup++)) {
        group.add(repository.manifest(id));
      }
      group.sort(Repository.OLDEST_FIRST.reversed());
      read.addAll(group);
    }
    return index < read.size() ? read.get(index) : null;
  }
}

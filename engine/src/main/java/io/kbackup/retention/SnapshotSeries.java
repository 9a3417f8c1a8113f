package io.kbackup.retention;

import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Splits snapshots into the series a retention policy applies to. Separate backup jobs of one
 * cluster usually select different topics, so a series is one cluster and one selection: a snapshot
 * belongs to the series of the newest snapshot of its cluster that holds all of its topics. A
 * backup of every topic thus stays one series while topics are created, and the newest snapshot
 * holding a topic always heads a series, so the policy, which keeps the newest of each series,
 * never removes the last snapshot of a topic.
 */
final class SnapshotSeries {

  private static final Comparator<SnapshotManifest> NEWEST_FIRST =
      Comparator.comparing(SnapshotManifest::created)
          .thenComparing(SnapshotManifest::id)
          .reversed();

  private SnapshotSeries() {}

  /** The series, each newest first. */
  static List<List<SnapshotManifest>> bySelection(List<SnapshotManifest> snapshots) {
    List<List<SnapshotManifest>> result = new ArrayList<>();
    for (List<SnapshotManifest> cluster : byCluster(snapshots)) {
      // the newest superset of a snapshot always heads a series, so only heads need a look
      Map<Set<String>, List<SnapshotManifest>> heads = new LinkedHashMap<>();
      for (SnapshotManifest s : cluster) {
        Set<String> topics = topics(s);
        List<SnapshotManifest> series =
            heads.entrySet().stream()
                .filter(h -> h.getKey().containsAll(topics))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
        if (series == null) {
          series = new ArrayList<>();
          heads.put(topics, series);
        }
        series.add(s);
      }
      result.addAll(heads.values());
    }
    return result;
  }

  /** One series per cluster, each newest first. */
  static List<List<SnapshotManifest>> byCluster(List<SnapshotManifest> snapshots) {
    Map<String, List<SnapshotManifest>> clusters = new TreeMap<>();
    for (SnapshotManifest s : snapshots) {
      clusters.computeIfAbsent(Objects.toString(s.clusterId()), c -> new ArrayList<>()).add(s);
    }
    List<List<SnapshotManifest>> result = new ArrayList<>();
    for (List<SnapshotManifest> cluster : clusters.values()) {
      cluster.sort(NEWEST_FIRST);
      result.add(cluster);
    }
    return result;
  }

  /**
   * The topics whose newest snapshot is among {@code removed} and that no kept snapshot of the same
   * cluster holds, sorted.
   */
  static Set<String> topicsLost(List<SnapshotManifest> kept, List<SnapshotManifest> removed) {
    Set<String> held = new TreeSet<>();
    for (SnapshotManifest s : kept) {
      topics(s).forEach(t -> held.add(Objects.toString(s.clusterId()) + "\0" + t));
    }
    Set<String> lost = new TreeSet<>();
    for (SnapshotManifest s : removed) {
      for (String t : topics(s)) {
        if (!held.contains(Objects.toString(s.clusterId()) + "\0" + t)) {
          lost.add(t);
        }
      }
    }
    return lost;
  }

  static Set<String> topics(SnapshotManifest s) {
    Set<String> names = new TreeSet<>();
    if (s.topics() != null) {
      for (TopicSnapshot t : s.topics()) {
        names.add(t.name());
      }
    }
    return names;
  }
}

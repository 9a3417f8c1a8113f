package io.kbackup.retention;

import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.lock.LockKind;
import io.kbackup.repository.lock.RepositoryLock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Removes the snapshots a retention policy does not keep. The policy applies to each series on its
 * own (see {@link SnapshotSeries}), and each keeps its newest snapshot, so no topic loses its last
 * snapshot; only when the caller allows topic loss is each cluster one series, as for a single
 * backup job. Only manifests are removed; {@link Prune} deletes the data no kept snapshot needs.
 */
public final class Forget {

  /** A snapshot kept and why. */
  public record Kept(SnapshotManifest snapshot, List<String> reasons) {}

  /**
   * @param topicsLost topics no snapshot holds once the removed ones are gone, sorted
   */
  public record Result(
      List<Kept> kept, List<SnapshotManifest> removed, Set<String> topicsLost, boolean dryRun) {}

  private final Repository repository;

  public Forget(Repository repository) {
    this.repository = repository;
  }

  /**
   * @param allowTopicLoss apply the policy to all snapshots of a cluster as one series, even where
   *     that removes the last snapshot of a topic
   */
  public Result run(RetentionPolicy policy, boolean allowTopicLoss, boolean dryRun)
      throws IOException {
    try (RepositoryLock lock =
        RepositoryLock.acquire(
            repository.storage(), dryRun ? LockKind.SHARED : LockKind.EXCLUSIVE, "forget")) {
      List<SnapshotManifest> all = repository.snapshots();
      List<List<SnapshotManifest>> series =
          allowTopicLoss ? SnapshotSeries.byCluster(all) : SnapshotSeries.bySelection(all);
      List<Kept> kept = new ArrayList<>();
      List<SnapshotManifest> removed = new ArrayList<>();
      for (List<SnapshotManifest> snapshots : series) {
        Map<String, SnapshotManifest> byId = new TreeMap<>();
        List<Retention.Dated> dated = new ArrayList<>();
        for (SnapshotManifest s : snapshots) {
          byId.put(s.id(), s);
          dated.add(new Retention.Dated(s.id(), s.created()));
        }
        Retention.Decision decision = Retention.apply(dated, policy);
        decision.keep().forEach((id, reasons) -> kept.add(new Kept(byId.get(id), reasons)));
        decision.remove().forEach(id -> removed.add(byId.get(id)));
      }
      if (!dryRun) {
        for (SnapshotManifest s : removed) {
          repository.forget(s.id());
        }
      }
      Set<String> topicsLost =
          SnapshotSeries.topicsLost(kept.stream().map(Kept::snapshot).toList(), removed);
      return new Result(kept, removed, topicsLost, dryRun);
    }
  }
}

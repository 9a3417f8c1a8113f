package io.kbackup.retention;

import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.lock.LockKind;
import io.kbackup.repository.lock.RepositoryLock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Removes the snapshots a retention policy does not keep. Snapshots of each cluster are one series:
 * the policy applies to each on its own, and each keeps its newest snapshot. Only manifests are
 * removed; {@link Prune} deletes the data no kept snapshot needs.
 */
public final class Forget {

  /** A snapshot kept and why. */
  public record Kept(SnapshotManifest snapshot, List<String> reasons) {}

  public record Result(List<Kept> kept, List<SnapshotManifest> removed, boolean dryRun) {}

  private final Repository repository;

  public Forget(Repository repository) {
    this.repository = repository;
  }

  public Result run(RetentionPolicy policy, boolean dryRun) throws IOException {
    try (RepositoryLock lock =
        RepositoryLock.acquire(
            repository.storage(), dryRun ? LockKind.SHARED : LockKind.EXCLUSIVE, "forget")) {
      Map<String, List<SnapshotManifest>> series = new TreeMap<>();
      for (SnapshotManifest s : repository.snapshots()) {
        series.computeIfAbsent(Objects.toString(s.clusterId()), c -> new ArrayList<>()).add(s);
      }
      List<Kept> kept = new ArrayList<>();
      List<SnapshotManifest> removed = new ArrayList<>();
      for (List<SnapshotManifest> snapshots : series.values()) {
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
      return new Result(kept, removed, dryRun);
    }
  }
}

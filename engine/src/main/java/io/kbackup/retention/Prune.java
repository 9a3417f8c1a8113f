package io.kbackup.retention;

import io.kbackup.backup.BackupProgress;
import io.kbackup.repository.IncludedFile;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import io.kbackup.repository.lock.LockKind;
import io.kbackup.repository.lock.RepositoryLock;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Deletes the data no snapshot needs: a mark of every object the snapshots list, then a sweep of
 * the data and file objects that are not marked. It holds the repository alone, so no running
 * backup adds objects meanwhile, and it leaves objects younger than a grace period alone, for a
 * backup whose lock was lost. An unreadable manifest stops it before anything is deleted.
 */
public final class Prune {

  /**
   * What a prune did, or for a dry run would do.
   *
   * @param deleted data, index and file objects deleted
   * @param young unreferenced objects left alone because they are younger than the grace period
   * @param progress progress records of interrupted backups deleted with their data
   */
  public record Result(
      int snapshots,
      int referenced,
      List<ObjectInfo> deleted,
      int young,
      int progress,
      boolean dryRun) {

    public long bytesDeleted() {
      return deleted.stream().mapToLong(ObjectInfo::size).sum();
    }
  }

  private final Repository repository;

  public Prune(Repository repository) {
    this.repository = repository;
  }

  public Result run(CalendarSpan grace, boolean dryRun) throws IOException {
    Storage storage = repository.storage();
    try (RepositoryLock lock =
        RepositoryLock.acquire(storage, dryRun ? LockKind.SHARED : LockKind.EXCLUSIVE, "prune")) {
      Instant youngFrom = grace.before(Instant.now());
      List<SnapshotManifest> snapshots = repository.snapshots();
      Set<String> referenced = new HashSet<>();
      for (SnapshotManifest s : snapshots) {
        for (TopicSnapshot t : s.topics()) {
          for (PartitionSnapshot p : t.partitions()) {
            p.segments().forEach(seg -> mark(seg, referenced));
          }
        }
        s.files().stream().map(IncludedFile::key).forEach(referenced::add);
      }
      // an interrupted backup's segments stay while its progress is young: the next backup may
      // continue them
      List<BackupProgress.Document> oldProgress = new ArrayList<>();
      for (BackupProgress.Document d : BackupProgress.leftBehind(storage, Set.of())) {
        if (isYoung(storage, BackupProgress.key(d.runId()), youngFrom)) {
          d.partitions().forEach(p -> p.segments().forEach(seg -> mark(seg, referenced)));
        } else {
          oldProgress.add(d);
        }
      }
      List<ObjectInfo> deleted = new ArrayList<>();
      int young = 0;
      List<ObjectInfo> candidates = new ArrayList<>(storage.list(Repository.DATA_PREFIX));
      candidates.addAll(storage.list(Repository.FILES_PREFIX));
      for (ObjectInfo o : candidates) {
        if (referenced.contains(o.key())) {
          continue;
        }
        if (isYoung(storage, o.key(), youngFrom)) {
          young++;
          continue;
        }
        deleted.add(o);
      }
      if (!dryRun) {
        lock.ensureHeld();
        for (ObjectInfo o : deleted) {
          storage.delete(o.key());
        }
        BackupProgress.remove(storage, oldProgress);
      }
      return new Result(
          snapshots.size(), referenced.size(), deleted, young, oldProgress.size(), dryRun);
    }
  }

  private static void mark(SegmentInfo segment, Set<String> referenced) {
    referenced.add(segment.key());
    referenced.add(segment.indexKey());
  }

  /** Written after {@code youngFrom}; an object whose age the storage cannot tell is young. */
  private static boolean isYoung(Storage storage, String key, Instant youngFrom)
      throws IOException {
    return storage.lastModified(key).map(t -> t.isAfter(youngFrom)).orElse(true);
  }
}

package io.kbackup.copy;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.Untrusted;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.storage.ObjectInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The snapshots of the source to copy, each read from its key {@code snapshots/<id>.json} and
 * checked to name that id. A copy commits a manifest under the id it names; a forged source must
 * not get a manifest committed under another snapshot's name, or under a name it never had.
 */
final class SourceSnapshots {

  private static final String SUFFIX = ".json";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]+");

  private SourceSnapshots() {}

  /**
   * @param snapshotId a snapshot id, {@code latest} (the newest, by creation time then id), or null
   *     for every snapshot, oldest first
   */
  static List<SnapshotManifest> select(Repository source, String snapshotId) throws IOException {
    if (snapshotId != null && !snapshotId.equals("latest")) {
      return List.of(checked(source, snapshotId));
    }
    List<SnapshotManifest> all = new ArrayList<>();
    for (ObjectInfo info : source.storage().list(Repository.SNAPSHOTS_PREFIX)) {
      String key = info.key();
      if (key.endsWith(SUFFIX)) {
        String id =
            key.substring(Repository.SNAPSHOTS_PREFIX.length(), key.length() - SUFFIX.length());
        if (!ID.matcher(id).matches()) {
          throw new CorruptDataException(
              key + " in the source is not the key of a snapshot manifest; nothing was copied");
        }
        all.add(checked(source, id));
      }
    }
    all.sort(Comparator.comparing(SnapshotManifest::created).thenComparing(SnapshotManifest::id));
    if (snapshotId == null) {
      return all;
    }
    if (all.isEmpty()) {
      return List.of(source.snapshot(snapshotId)); // refused: the repository has no snapshot yet
    }
    return List.of(all.get(all.size() - 1));
  }

  private static SnapshotManifest checked(Repository source, String id) throws IOException {
    SnapshotManifest manifest = source.snapshot(id);
    if (!id.equals(manifest.id())) {
      throw new CorruptDataException(
          Repository.SNAPSHOTS_PREFIX
              + id
              + SUFFIX
              + " in the source names the snapshot "
              + Untrusted.text(manifest.id())
              + ", not "
              + id
              + ": a manifest is copied only under the id of its key; nothing was copied");
    }
    return manifest;
  }
}

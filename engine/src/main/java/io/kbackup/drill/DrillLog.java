package io.kbackup.drill;

import io.kbackup.repository.Json;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The results of recovery drills, kept in the repository as {@code drills/TIME-SNAPSHOT.json}, so
 * that the snapshot list and the metrics can show when each snapshot was last proven to restore.
 */
public final class DrillLog {

  public static final String PREFIX = "drills/";

  private DrillLog() {}

  public static void save(Storage storage, DrillResult result) throws IOException {
    String time = result.startedAt().replaceAll("[^0-9]", "");
    storage.put(PREFIX + time + "-" + result.snapshotId() + ".json", Json.write(result));
  }

  /** The newest drill of each snapshot, by snapshot id; unreadable results are skipped. */
  public static Map<String, DrillResult> latestBySnapshot(Storage storage) throws IOException {
    Map<String, DrillResult> latest = new TreeMap<>();
    for (ObjectInfo o : storage.list(PREFIX)) {
      DrillResult r;
      try {
        r = Json.read(storage.readAll(o.key()), DrillResult.class, o.key());
      } catch (RuntimeException | IOException e) {
        continue;
      }
      DrillResult before = latest.get(r.snapshotId());
      if (before == null
          || java.time.Instant.parse(before.startedAt())
              .isBefore(java.time.Instant.parse(r.startedAt()))) {
        latest.put(r.snapshotId(), r);
      }
    }
    return latest;
  }
}

package io.kbackup.drill;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.Untrusted;
import io.kbackup.repository.DocumentRules;
import io.kbackup.repository.Documents;
import io.kbackup.repository.Json;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results of recovery drills, kept in the repository as {@code drills/TIME-SNAPSHOT.json}, so
 * that the snapshot list and the metrics can show when each snapshot was last proven to restore.
 */
public final class DrillLog {

  public static final String PREFIX = "drills/";

  private static final Logger log = LoggerFactory.getLogger(DrillLog.class);

  private DrillLog() {}

  public static void save(Storage storage, DrillResult result) throws IOException {
    String time = result.startedAt().replaceAll("[^0-9]", "");
    storage.put(PREFIX + time + "-" + result.snapshotId() + ".json", Json.write(result));
  }

  /** A drill result takes a few KiB: the first {@value RestoreDrill#MAX_MISMATCHES} differences. */
  static final int MAX_RESULT_BYTES = 1 << 20;

  /** What a snapshot id may be. */
  private static final Pattern SNAPSHOT_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  /**
   * The newest drill of each snapshot, by snapshot id. Results that cannot be read or are damaged
   * are left out with a warning: they only annotate the list of snapshots.
   */
  public static Map<String, DrillResult> latestBySnapshot(Storage storage) throws IOException {
    Map<String, DrillResult> latest = new TreeMap<>();
    for (ObjectInfo o : storage.list(PREFIX)) {
      DrillResult r;
      try {
        r = read(storage, o.key());
      } catch (CorruptDataException e) {
        log.warn("{}", e.getMessage());
        continue;
      } catch (IOException e) {
        continue; // removed meanwhile
      }
      DrillResult before = latest.get(r.snapshotId());
      if (before == null
          || Instant.parse(before.startedAt()).isBefore(Instant.parse(r.startedAt()))) {
        latest.put(r.snapshotId(), r);
      }
    }
    return latest;
  }

  /** The drill result of that key, checked field by field; damage when it cannot be one. */
  public static DrillResult read(Storage storage, String key) throws IOException {
    DrillResult r =
        Documents.read(storage, key, MAX_RESULT_BYTES, "a drill result", DrillResult.class);
    if (r.snapshotId() == null
        || !SNAPSHOT_ID.matcher(r.snapshotId()).matches()
        || !DocumentRules.isInstant(r.startedAt())
        || r.topics() < 0
        || r.partitions() < 0
        || r.records() < 0
        || r.payloadBytes() < 0
        || !(r.restoreSeconds() >= 0)
        || !(r.compareSeconds() >= 0)) {
      throw new CorruptDataException(
          Untrusted.text(key)
              + ": not a drill result kbackup wrote (snapshot "
              + Untrusted.quote(r.snapshotId())
              + ", started "
              + Untrusted.quote(r.startedAt())
              + ")");
    }
    return r;
  }
}

package io.kbackup.drill;

import java.util.List;

/**
 * What a recovery drill found: how long the snapshot took to restore, and whether every restored
 * record equals the backed-up one.
 *
 * @param prefix the prefix of the scratch topics the drill restored into and then deleted
 * @param restoreSeconds time to restore the records: the time to recover of this snapshot
 * @param compareSeconds time to read the restored records back and compare them
 * @param mismatches the first differences found, one line each; empty when the drill passed
 */
public record DrillResult(
    String snapshotId,
    String startedAt,
    String cluster,
    String prefix,
    int topics,
    int partitions,
    long records,
    long payloadBytes,
    double restoreSeconds,
    double compareSeconds,
    List<String> mismatches) {

  public DrillResult {
    mismatches = mismatches == null ? List.of() : List.copyOf(mismatches);
  }

  public boolean passed() {
    return mismatches.isEmpty();
  }

  /** Restored payload per second, in MiB. */
  public double mibPerSecond() {
    return restoreSeconds <= 0 ? 0 : payloadBytes / (1024.0 * 1024.0) / restoreSeconds;
  }
}

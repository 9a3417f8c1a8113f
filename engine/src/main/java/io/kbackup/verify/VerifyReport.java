package io.kbackup.verify;

import java.util.List;

/**
 * What a verification checked and every problem it found.
 *
 * @param snapshots ids of the snapshots whose manifests parsed and were checked
 * @param segments distinct segments the snapshots need
 * @param objectsRead keys of the data objects (segments with their indexes, included files) read
 *     and checked byte by byte at level 2
 * @param bytesRead bytes read from storage at level 2
 */
public record VerifyReport(
    int level,
    List<String> snapshots,
    int segments,
    List<String> objectsRead,
    long bytesRead,
    List<Problem> problems) {

  public VerifyReport {
    snapshots = List.copyOf(snapshots);
    objectsRead = List.copyOf(objectsRead);
    problems = List.copyOf(problems);
  }

  public boolean clean() {
    return problems.isEmpty();
  }
}

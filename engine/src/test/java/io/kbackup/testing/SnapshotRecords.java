package io.kbackup.testing;

import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.RecordBatch;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentReader;
import java.util.ArrayList;
import java.util.List;

/** Reads back the records a snapshot holds for one partition. */
public final class SnapshotRecords {

  private SnapshotRecords() {}

  public static PartitionSnapshot partition(SnapshotManifest s, String topic, int partition) {
    for (TopicSnapshot t : s.topics()) {
      if (t.name().equals(topic)) {
        return t.partitions().stream()
            .filter(p -> p.partition() == partition)
            .findFirst()
            .orElseThrow();
      }
    }
    throw new AssertionError("no topic " + topic + " in snapshot " + s.id());
  }

  public static List<BackupRecord> read(
      Repository repo, SnapshotManifest s, String topic, int partition) throws Exception {
    PartitionSnapshot p = partition(s, topic, partition);
    List<BackupRecord> records = new ArrayList<>();
    for (SegmentInfo segment : p.segments()) {
      try (SegmentReader reader = SegmentReader.open(repo.storage(), segment, p.startOffset())) {
        for (RecordBatch b = reader.next(); b != null; b = reader.next()) {
          for (BackupRecord r : b.records()) {
            if (r.offset() >= p.startOffset() && r.offset() < p.endOffset()) {
              records.add(r);
            }
          }
        }
      }
    }
    return records;
  }
}

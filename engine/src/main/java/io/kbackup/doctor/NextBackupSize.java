package io.kbackup.doctor;

import io.kbackup.estimate.RecordSample;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentSettings;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The bytes the next backup of some topics will store: the records appended since the latest
 * snapshot (each partition's end offset minus the snapshot's), times the stored bytes per record of
 * that snapshot's segments; with no snapshot, of every record, times the bytes per record of a
 * small sample stored the backup's way.
 */
final class NextBackupSize {

  static final int SAMPLE_RECORDS = 200;

  record Size(long records, long bytes) {}

  private final KafkaConnection kafka;
  private final Set<String> topics;

  NextBackupSize(KafkaConnection kafka, Set<String> topics) {
    this.kafka = kafka;
    this.topics = topics;
  }

  /**
   * @param repository the opened repository, or null when there is none yet
   */
  Size of(Repository repository) throws IOException {
    Map<TopicPartition, long[]> ranges = new HashMap<>();
    Map<String, String> topicIds = new HashMap<>();
    try (Admin admin = kafka.admin()) {
      Map<String, TopicDescription> described =
          kafka.await(admin.describeTopics(topics).allTopicNames(), "describe topics");
      described.forEach((name, d) -> topicIds.put(name, d.topicId().toString()));
      List<TopicPartition> partitions = KafkaConnection.partitions(described.values());
      Map<TopicPartition, Long> ends =
          kafka.offsets(admin, partitions, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
      Map<TopicPartition, Long> starts =
          kafka.offsets(admin, partitions, OffsetSpec.earliest(), IsolationLevel.READ_COMMITTED);
      partitions.forEach(tp -> ranges.put(tp, new long[] {starts.get(tp), ends.get(tp)}));
    }
    SnapshotManifest latest = repository == null ? null : repository.latestSnapshot().orElse(null);
    long newRecords = 0;
    long storedBytes = 0;
    long storedRecords = 0;
    Map<TopicPartition, Long> previousEnds = new HashMap<>();
    if (latest != null) {
      for (TopicSnapshot t : latest.topics()) {
        for (PartitionSnapshot p : t.partitions()) {
          if (t.topicId().equals(topicIds.get(t.name()))) {
            previousEnds.put(new TopicPartition(t.name(), p.partition()), p.endOffset());
          }
          for (SegmentInfo s : p.segments()) {
            storedBytes += s.size() + s.indexSize();
            storedRecords += s.recordCount();
          }
        }
      }
    }
    for (Map.Entry<TopicPartition, long[]> e : ranges.entrySet()) {
      long start = e.getValue()[0];
      long end = e.getValue()[1];
      long from = previousEnds.getOrDefault(e.getKey(), start);
      newRecords += Math.max(0, end - (from > end || from < start ? start : from));
    }
    if (storedRecords == 0) {
      SegmentSettings settings =
          repository == null ? SegmentSettings.defaults() : repository.config().segmentSettings();
      for (RecordSample.Measured m :
          RecordSample.take(kafka, ranges, SAMPLE_RECORDS, settings).values()) {
        storedBytes += m.storedBytes();
        storedRecords += m.records();
      }
    }
    double perRecord = storedRecords == 0 ? 0 : (double) storedBytes / storedRecords;
    return new Size(newRecords, Math.round(newRecords * perRecord));
  }
}

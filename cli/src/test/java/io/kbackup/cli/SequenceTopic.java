package io.kbackup.cli;

import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.RecordBatch;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentReader;
import io.kbackup.storage.ObjectInfo;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A topic whose every record is known from its partition and offset, so that the kill tests can
 * check a snapshot record by record: each partition from offset 0 on, each value {@link #payload}.
 * Findings go to a {@link KillTally}.
 */
final class SequenceTopic {

  final String name;
  private final long[] next;

  SequenceTopic(String name, int partitions) {
    this.name = name;
    this.next = new long[partitions];
  }

  void create(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(name, next.length, (short) 1))).all().get();
    }
  }

  /** Appends {@code perPartition} records to each partition. */
  void produce(String bootstrap, int perPartition) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        TestTopics.producer(bootstrap, "linger.ms", "10")) {
      for (int part = 0; part < next.length; part++) {
        for (int i = 0; i < perPartition; i++) {
          long offset = next[part]++;
          producer.send(
              new ProducerRecord<>(
                  name,
                  part,
                  ("k" + offset).getBytes(StandardCharsets.UTF_8),
                  payload(part, offset).getBytes(StandardCharsets.UTF_8)));
        }
      }
      producer.flush();
    }
  }

  /** The records produced so far. */
  long records() {
    long sum = 0;
    for (long n : next) {
      sum += n;
    }
    return sum;
  }

  /** A value that compresses little, so that a round fills several segments. */
  static String payload(int partition, long offset) {
    byte[] noise = new byte[300];
    new Random(partition * 1_000_003L + offset).nextBytes(noise);
    return partition + "-" + offset + "-" + Base64.getEncoder().encodeToString(noise);
  }

  /** Every segment and index of the snapshot is stored with its recorded size. */
  static void assertComplete(Repository repo, SnapshotManifest s, KillTally tally, String context)
      throws Exception {
    for (TopicSnapshot t : s.topics()) {
      for (PartitionSnapshot p : t.partitions()) {
        for (SegmentInfo seg : p.segments()) {
          if (!repo.storage().stat(seg.key()).map(ObjectInfo::size).equals(Optional.of(seg.size()))
              || !repo.storage()
                  .stat(seg.indexKey())
                  .map(ObjectInfo::size)
                  .equals(Optional.of(seg.indexSize()))) {
            tally.lostSnapshot(context + ": snapshot " + s.id() + " lacks " + seg.key());
          }
        }
      }
    }
  }

  /** Each partition of this topic in the snapshot holds exactly its offsets, with their values. */
  void assertExact(Repository repo, SnapshotManifest s, KillTally tally, String context)
      throws Exception {
    TopicSnapshot topic =
        s.topics().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    if (topic == null) {
      tally.loss(context + ": snapshot " + s.id() + " lacks topic " + name);
      return;
    }
    for (PartitionSnapshot p : topic.partitions()) {
      String where = context + ", snapshot " + s.id() + " partition " + p.partition();
      long expected = p.startOffset();
      for (SegmentInfo segment : p.segments()) {
        try (SegmentReader reader = SegmentReader.open(repo.storage(), segment, p.startOffset())) {
          for (RecordBatch batch = reader.next(); batch != null; batch = reader.next()) {
            for (BackupRecord r : batch.records()) {
              if (r.offset() < p.startOffset() || r.offset() >= p.endOffset()) {
                continue;
              }
              if (r.offset() < expected) {
                tally.duplicate(where + ": offset " + r.offset() + " again");
              } else if (r.offset() > expected) {
                tally.loss(where + ": offsets " + expected + " to " + (r.offset() - 1) + " lack");
              } else if (!new String(r.value(), StandardCharsets.UTF_8)
                  .equals(payload(p.partition(), r.offset()))) {
                tally.loss(where + ": offset " + r.offset() + " holds another value");
              }
              expected++;
            }
          }
        }
      }
      if (expected != p.endOffset() || p.recordCount() != p.endOffset() - p.startOffset()) {
        tally.loss(
            where
                + ": holds offsets to "
                + expected
                + ", claims "
                + p.recordCount()
                + " records to "
                + p.endOffset());
      }
    }
  }
}

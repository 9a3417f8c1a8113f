package io.kbackup.restore;

import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.segment.BackupHeader;
import io.kbackup.segment.BackupRecord;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Checks, before a resumed restore skips anything, that each target partition holds exactly the
 * first records of its plan since the restore began: record k of the plan at the target start
 * offset plus k. An offset the target no longer holds was compacted away and is not compared. A
 * target that holds anything else (a record refused while later ones landed, a foreign writer) is
 * refused with the first difference named, before anything more is written.
 */
final class TargetPrefix {

  private final KafkaConnection kafka;
  private final Storage storage;

  TargetPrefix(KafkaConnection kafka, Storage storage) {
    this.kafka = kafka;
    this.storage = storage;
  }

  /**
   * Checks every partition of the plan whose target holds records of an earlier run.
   *
   * @param ends the target partitions' end offsets now
   */
  void check(List<PartitionRestore> plan, RestoreState state, Map<TopicPartition, Long> ends)
      throws IOException {
    try (KafkaConsumer<byte[], byte[]> consumer =
        kafka.consumer(
            Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
      for (PartitionRestore p : plan) {
        long start = state.partition(p.target()).targetStartOffset();
        long end = ends.get(p.target());
        if (end > start) {
          check(consumer, p, start, end);
        }
      }
    }
  }

  private void check(
      KafkaConsumer<byte[], byte[]> consumer, PartitionRestore p, long start, long end)
      throws IOException {
    TopicPartition tp = p.target();
    consumer.assign(List.of(tp));
    consumer.seek(tp, start);
    try (PlanRecords records = new PlanRecords(storage, p)) {
      long next = start;
      BackupRecord expected = null;
      Instant deadline = Instant.now().plus(kafka.timeout());
      while (consumer.position(tp) < end) {
        List<ConsumerRecord<byte[], byte[]>> polled =
            consumer.poll(Duration.ofMillis(200)).records(tp);
        if (!polled.isEmpty()) {
          deadline = Instant.now().plus(kafka.timeout());
        } else if (Instant.now().isAfter(deadline)) {
          throw KbackupException.failed(
              "could not read target partition " + tp + " up to offset " + end + " to check it",
              "check that the brokers are up and run the same restore again",
              null);
        }
        for (ConsumerRecord<byte[], byte[]> r : polled) {
          if (r.offset() >= end) {
            return;
          }
          // offsets below r.offset() were compacted away: skip their records of the plan
          for (; next <= r.offset(); next++) {
            expected = records.next();
          }
          String difference =
              expected == null ? "the snapshot has no record for it" : differ(expected, r);
          if (difference != null) {
            throw mismatch(p, r.offset(), expected, difference);
          }
        }
      }
    }
  }

  /** What differs between a record of the plan and the one the target holds in its place. */
  static String differ(BackupRecord expected, ConsumerRecord<byte[], byte[]> actual) {
    if (!Arrays.equals(expected.key(), actual.key())) {
      return "the key differs";
    }
    if (!Arrays.equals(expected.value(), actual.value())) {
      return "the value differs";
    }
    if (expected.timestamp() >= 0 && expected.timestamp() != actual.timestamp()) {
      return "the timestamp is " + actual.timestamp() + ", not " + expected.timestamp();
    }
    List<BackupHeader> headers = new ArrayList<>();
    for (Header h : actual.headers()) {
      headers.add(new BackupHeader(h.key(), h.value()));
    }
    if (!headers.equals(expected.headers())) {
      return "the headers differ";
    }
    return null;
  }

  private static KbackupException mismatch(
      PartitionRestore p, long offset, BackupRecord expected, String difference) {
    return KbackupException.failed(
        "target partition "
            + p.target()
            + " does not hold what an earlier run of this restore wrote: at offset "
            + offset
            + (expected == null ? "" : ", in place of source offset " + expected.offset())
            + ", "
            + difference
            + "; nothing more was written",
        "another writer or a refused record left it so: delete the target topic if this restore"
            + " created it and run the restore again, or restore into a new topic with --topic-map "
            + p.source().topic()
            + "=NEW_NAME",
        null);
  }
}

package io.kbackup.drill;

import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.Records;
import io.kbackup.restore.PartitionRestore;
import io.kbackup.segment.BackupRecord;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;

/**
 * Reads a restored partition back from Kafka and compares it, record by record and in order, with
 * the records the snapshot holds. Offsets may differ (the restore closes the gaps of the source);
 * everything else must be equal, save that records the source stamped with log-append time come
 * back as create time with the same timestamp.
 */
final class RestoredRecordComparison implements AutoCloseable {

  private static final Duration STALL_LIMIT = Duration.ofMinutes(2);

  private final Storage storage;
  private final KafkaConnection kafka;
  private final int maxMismatches;
  private final KafkaConsumer<byte[], byte[]> consumer;

  RestoredRecordComparison(Storage storage, KafkaConnection kafka, int maxMismatches) {
    this.storage = storage;
    this.kafka = kafka;
    this.maxMismatches = maxMismatches;
    this.consumer = kafka.consumer(Map.of());
  }

  void compare(PartitionRestore p, List<String> mismatches) throws IOException {
    if (mismatches.size() >= maxMismatches) {
      return;
    }
    TopicPartition target = p.target();
    consumer.assign(List.of(target));
    consumer.seekToBeginning(List.of(target));
    long end = consumer.endOffsets(List.of(target), kafka.timeout()).get(target);
    long compared = 0;
    try (SnapshotRecordStream expected =
        new SnapshotRecordStream(storage, p.segments(), p.startOffset(), p.stopOffset())) {
      Instant lastProgress = Instant.now();
      while (consumer.position(target) < end) {
        var batch = consumer.poll(Duration.ofMillis(200));
        if (!batch.isEmpty()) {
          lastProgress = Instant.now();
        } else if (Duration.between(lastProgress, Instant.now()).compareTo(STALL_LIMIT) > 0) {
          mismatches.add(target + ": could not read the restored records back");
          return;
        }
        for (ConsumerRecord<byte[], byte[]> r : batch.records(target)) {
          BackupRecord source = expected.next();
          if (source == null) {
            mismatches.add(
                target + " holds a record at offset " + r.offset() + " beyond the snapshot's");
            return;
          }
          String difference = difference(source, Records.fromConsumer(r));
          if (difference != null) {
            mismatches.add(
                p.source()
                    + " offset "
                    + source.offset()
                    + " (restored at "
                    + target
                    + " offset "
                    + r.offset()
                    + ") differs in its "
                    + difference);
            if (mismatches.size() >= maxMismatches) {
              return;
            }
          }
          compared++;
        }
      }
      if (expected.next() != null) {
        mismatches.add(
            target
                + " holds "
                + compared
                + " records, the snapshot "
                + p.recordCount()
                + " from "
                + p.source()
                + " offset "
                + p.startOffset());
      }
    }
  }

  /** The first field in which the restored record differs, or null when it is the same. */
  static String difference(BackupRecord source, BackupRecord restored) {
    if (!java.util.Arrays.equals(source.key(), restored.key())) {
      return "key";
    }
    if (!java.util.Arrays.equals(source.value(), restored.value())) {
      return "value";
    }
    if (!source.headers().equals(restored.headers())) {
      return "headers";
    }
    if (source.timestamp() != restored.timestamp()) {
      return "timestamp";
    }
    boolean restamped =
        source.timestampType() == TimestampType.LOG_APPEND_TIME
            && restored.timestampType() == TimestampType.CREATE_TIME;
    if (source.timestampType() != restored.timestampType() && !restamped) {
      return "timestamp type";
    }
    return null;
  }

  @Override
  public void close() {
    consumer.close();
  }
}

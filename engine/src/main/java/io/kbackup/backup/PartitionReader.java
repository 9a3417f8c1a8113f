package io.kbackup.backup;

import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.Records;
import io.kbackup.progress.Progress;
import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentWriter;
import io.kbackup.segment.SegmentWriters;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a set of partitions with one consumer, each from its plan's start up to the cut, and feeds
 * each partition's records to its segment writer. Several readers run side by side, each on its own
 * thread, so that decoding Kafka's records uses every core.
 */
final class PartitionReader implements Callable<PartitionReader.Result> {

  private static final Duration STALL_LIMIT = Duration.ofMinutes(5);
  private static final Logger log = LoggerFactory.getLogger(PartitionReader.class);

  /** What one reader read, per partition. */
  record Result(
      Map<TopicPartition, List<SegmentInfo>> segments,
      Map<TopicPartition, Long> records,
      long recordCount,
      long payloadBytes) {}

  private final KafkaConnection kafka;
  private final SegmentWriters writers;
  private final Map<TopicPartition, PartitionPlan> plans;
  private final BackupProgress progress;
  private final Progress watched;

  PartitionReader(
      KafkaConnection kafka,
      SegmentWriters writers,
      Map<TopicPartition, PartitionPlan> plans,
      BackupProgress progress,
      Progress watched) {
    this.watched = watched;
    this.kafka = kafka;
    this.writers = writers;
    this.plans = plans;
    this.progress = progress;
  }

  /** Progress is an optimisation for a later run: failing to record it does not stop this one. */
  private void stored(TopicPartition tp, SegmentInfo segment) {
    try {
      progress.stored(tp, segment);
    } catch (IOException | RuntimeException e) {
      log.warn("could not record the backup's progress: {}", e.toString());
    }
  }

  @Override
  public Result call() throws IOException {
    Map<TopicPartition, SegmentWriter> open = new HashMap<>();
    Map<TopicPartition, Long> counts = new HashMap<>();
    long records = 0;
    long payload = 0;
    boolean complete = false;
    try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer(Map.of())) {
      plans.forEach(
          (tp, plan) -> {
            progress.reading(tp, plan.topicId(), plan.readFrom());
            open.put(tp, writers.open(Backup.segmentPrefix(tp), segment -> stored(tp, segment)));
          });
      consumer.assign(plans.keySet());
      plans.forEach((tp, plan) -> consumer.seek(tp, plan.readFrom()));
      Set<TopicPartition> active = new HashSet<>(plans.keySet());
      Instant lastProgress = Instant.now();
      while (!active.isEmpty()) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
        for (TopicPartition tp : batch.partitions()) {
          long end = plans.get(tp).endOffset();
          SegmentWriter writer = open.get(tp);
          long n = 0;
          long payloadBefore = payload;
          for (ConsumerRecord<byte[], byte[]> r : batch.records(tp)) {
            if (r.offset() >= end) {
              break;
            }
            BackupRecord record = Records.fromConsumer(r);
            writer.append(record);
            payload += record.payloadSize();
            n++;
          }
          counts.merge(tp, n, Long::sum);
          records += n;
          watched.add(n, payload - payloadBefore);
        }
        if (!batch.isEmpty()) {
          lastProgress = Instant.now();
        }
        List<TopicPartition> done = new ArrayList<>();
        for (TopicPartition tp : active) {
          if (consumer.position(tp) >= plans.get(tp).endOffset()) {
            done.add(tp);
          }
        }
        if (!done.isEmpty()) {
          done.forEach(active::remove);
          consumer.pause(done);
          for (TopicPartition tp : done) {
            open.get(tp).close();
          }
        }
        if (Duration.between(lastProgress, Instant.now()).compareTo(STALL_LIMIT) > 0) {
          throw KbackupException.failed(
              "no progress reading "
                  + active.size()
                  + " partitions for "
                  + STALL_LIMIT.toMinutes()
                  + " minutes, such as "
                  + active.iterator().next(),
              "check that the partitions have a leader and that the client may read them",
              null);
        }
      }
      Map<TopicPartition, List<SegmentInfo>> segments = new HashMap<>();
      for (Map.Entry<TopicPartition, SegmentWriter> e : open.entrySet()) {
        segments.put(e.getKey(), e.getValue().finish());
      }
      complete = true;
      return new Result(segments, counts, records, payload);
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw kafka.unreachable(e);
    } finally {
      if (!complete) {
        open.values().forEach(SegmentWriter::abort);
      }
    }
  }
}

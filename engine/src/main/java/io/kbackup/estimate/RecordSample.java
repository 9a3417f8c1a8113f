package io.kbackup.estimate;

import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.Records;
import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.segment.SegmentWriter;
import io.kbackup.segment.SegmentWriters;
import io.kbackup.storage.FileSystemStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The newest records of some partitions, stored the way a backup stores them (the same segment
 * writer, codec and level, into a scratch directory that is deleted afterwards), so that what they
 * take in a repository is measured rather than guessed.
 */
public final class RecordSample {

  /** Bytes read per partition at most, whatever the number of records asked for. */
  static final long MAX_BYTES_PER_PARTITION = 8L << 20;

  /**
   * What the sample of one partition measured.
   *
   * @param payloadBytes bytes of keys, values and headers, as a backup counts what it reads
   * @param storedBytes bytes of the segments and indexes the backup code wrote for them
   * @param oldestTimestamp the smallest record timestamp of the sample, or -1 when none has one
   */
  public record Measured(
      TopicPartition partition,
      long records,
      long payloadBytes,
      long storedBytes,
      long oldestTimestamp) {

    /** Stored bytes per record, or 0 for an empty sample. */
    public double storedPerRecord() {
      return records == 0 ? 0 : (double) storedBytes / records;
    }
  }

  private RecordSample() {}

  /**
   * Reads up to {@code perPartition} records before each partition's end offset (not before its
   * start) and stores them with {@code settings}.
   *
   * @param ranges each partition's start and end offsets (committed records)
   */
  public static Map<TopicPartition, Measured> take(
      KafkaConnection kafka,
      Map<TopicPartition, long[]> ranges,
      int perPartition,
      SegmentSettings settings)
      throws IOException {
    Map<TopicPartition, Long> from = new HashMap<>();
    ranges.forEach(
        (tp, r) -> {
          if (r[1] > r[0] && perPartition > 0) {
            from.put(tp, Math.max(r[0], r[1] - perPartition));
          }
        });
    Map<TopicPartition, Measured> result = new HashMap<>();
    ranges.keySet().forEach(tp -> result.put(tp, new Measured(tp, 0, 0, 0, -1)));
    if (from.isEmpty()) {
      return result;
    }
    Path scratch = Files.createTempDirectory("kbackup-sample-");
    try (SegmentWriters writers =
            new SegmentWriters(new FileSystemStorage(scratch), settings, from.size());
        KafkaConsumer<byte[], byte[]> consumer =
            kafka.consumer(Map.of("max.partition.fetch.bytes", Integer.toString(1 << 20)))) {
      Map<TopicPartition, SegmentWriter> open = new HashMap<>();
      Map<TopicPartition, long[]> counts = new HashMap<>(); // records, payload, oldest timestamp
      for (TopicPartition tp : from.keySet()) {
        open.put(tp, writers.open("sample/" + tp.topic() + "/" + tp.partition() + "/"));
        counts.put(tp, new long[] {0, 0, -1});
      }
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      Set<TopicPartition> active = new HashSet<>(from.keySet());
      Instant deadline = Instant.now().plus(kafka.timeout());
      while (!active.isEmpty() && Instant.now().isBefore(deadline)) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
        for (TopicPartition tp : batch.partitions()) {
          long[] c = counts.get(tp);
          for (ConsumerRecord<byte[], byte[]> r : batch.records(tp)) {
            if (r.offset() >= ranges.get(tp)[1] || c[1] >= MAX_BYTES_PER_PARTITION) {
              break;
            }
            BackupRecord record = Records.fromConsumer(r);
            open.get(tp).append(record);
            c[0]++;
            c[1] += record.payloadSize();
            if (r.timestamp() >= 0 && (c[2] < 0 || r.timestamp() < c[2])) {
              c[2] = r.timestamp();
            }
          }
        }
        List<TopicPartition> done = new ArrayList<>();
        for (TopicPartition tp : active) {
          if (consumer.position(tp) >= ranges.get(tp)[1]
              || counts.get(tp)[1] >= MAX_BYTES_PER_PARTITION) {
            done.add(tp);
          }
        }
        done.forEach(active::remove);
        consumer.pause(done);
      }
      for (Map.Entry<TopicPartition, SegmentWriter> e : open.entrySet()) {
        long stored = 0;
        for (SegmentInfo s : e.getValue().finish()) {
          stored += s.size() + s.indexSize();
        }
        long[] c = counts.get(e.getKey());
        result.put(e.getKey(), new Measured(e.getKey(), c[0], c[1], stored, c[2]));
      }
    } finally {
      deleteTree(scratch);
    }
    return result;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}

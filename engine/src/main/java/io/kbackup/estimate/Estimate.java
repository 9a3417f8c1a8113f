package io.kbackup.estimate;

import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.segment.SegmentSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/**
 * Estimates the storage a backup of the selected topics needs: the newest records of every
 * partition are stored with the backup's own segment writer to measure the bytes a record takes,
 * and the write rate is read from the same records' timestamps (records sampled per second between
 * the oldest sampled record and now), so a topic that stopped being written grows by nothing.
 */
public final class Estimate {

  /**
   * @param sampleRecords newest records to sample per partition (at most 8 MiB of them)
   * @param policyWindow the age of the oldest kept snapshot, or empty when all are kept
   */
  public record Options(
      TopicSelector topics,
      int sampleRecords,
      SegmentSettings settings,
      Optional<Duration> policyWindow) {}

  public record Result(List<TopicEstimate> topics, Optional<Duration> window) {
    public long fullBackupBytes() {
      return topics.stream().mapToLong(TopicEstimate::fullBackupBytes).sum();
    }

    public long growthPerDayBytes() {
      return topics.stream().mapToLong(TopicEstimate::growthPerDayBytes).sum();
    }

    public long brokerBytes() {
      return topics.stream().mapToLong(t -> Math.max(0, t.brokerBytes())).sum();
    }

    /** Null when every snapshot is kept. */
    public Long retainedBytes() {
      return window.isEmpty()
          ? null
          : topics.stream().mapToLong(TopicEstimate::retainedBytes).sum();
    }
  }

  private static final double SECONDS_PER_DAY = 86400;

  private final KafkaConnection kafka;
  private final Options options;

  public Estimate(KafkaConnection kafka, Options options) {
    this.kafka = kafka;
    this.options = options;
  }

  public Result run() throws IOException {
    Map<String, TopicDescription> topics;
    Map<TopicPartition, long[]> ranges = new HashMap<>();
    Map<TopicPartition, Long> logBytes;
    try (Admin admin = kafka.admin()) {
      kafka.clusterId(admin);
      Set<String> names = kafka.selectTopics(admin, options.topics());
      topics =
          new TreeMap<>(
              kafka.await(admin.describeTopics(names).allTopicNames(), "describe topics"));
      List<TopicPartition> partitions = KafkaConnection.partitions(topics.values());
      Map<TopicPartition, Long> ends =
          kafka.offsets(admin, partitions, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
      Map<TopicPartition, Long> starts =
          kafka.offsets(admin, partitions, OffsetSpec.earliest(), IsolationLevel.READ_COMMITTED);
      partitions.forEach(
          tp -> ranges.put(tp, new long[] {Math.min(starts.get(tp), ends.get(tp)), ends.get(tp)}));
      logBytes = logBytes(admin);
    }
    Map<TopicPartition, RecordSample.Measured> sample =
        RecordSample.take(kafka, ranges, options.sampleRecords(), options.settings());
    long now = System.currentTimeMillis();
    List<TopicEstimate> estimates = new ArrayList<>();
    for (TopicDescription d : topics.values()) {
      long records = 0;
      long brokerBytes = logBytes == null ? -1 : 0;
      long sampled = 0;
      long payload = 0;
      long stored = 0;
      double rate = 0;
      for (var p : d.partitions()) {
        TopicPartition tp = new TopicPartition(d.name(), p.partition());
        records += ranges.get(tp)[1] - ranges.get(tp)[0];
        if (logBytes != null) {
          brokerBytes += logBytes.getOrDefault(tp, 0L);
        }
        RecordSample.Measured m = sample.get(tp);
        sampled += m.records();
        payload += m.payloadBytes();
        stored += m.storedBytes();
        rate += rate(m, now);
      }
      double perRecord = sampled == 0 ? 0 : (double) stored / sampled;
      long full = Math.round(records * perRecord);
      long perDay = Math.round(rate * SECONDS_PER_DAY * perRecord);
      estimates.add(
          new TopicEstimate(
              d.name(),
              d.partitions().size(),
              records,
              brokerBytes,
              sampled,
              payload == 0 ? 0 : (double) stored / payload,
              perRecord,
              full,
              rate,
              perDay,
              options.policyWindow().map(w -> retained(full, perDay, w)).orElse(null)));
    }
    return new Result(estimates, options.policyWindow());
  }

  /**
   * Storage under a retention window: the data of the oldest kept snapshot (as large as a full
   * backup now, for a topic whose size is steady) plus what the window's days add.
   */
  public static long retained(long fullBackupBytes, long growthPerDayBytes, Duration window) {
    return fullBackupBytes + Math.round(growthPerDayBytes * (window.toSeconds() / SECONDS_PER_DAY));
  }

  /** Records per second: the sample's records over the time from its oldest record until now. */
  static double rate(RecordSample.Measured m, long nowMillis) {
    if (m.records() == 0 || m.oldestTimestamp() < 0) {
      return 0;
    }
    double seconds = Math.max(1.0, (nowMillis - m.oldestTimestamp()) / 1000.0);
    return m.records() / seconds;
  }

  /** One copy's bytes of each partition on the brokers; null when the brokers do not tell. */
  private Map<TopicPartition, Long> logBytes(Admin admin) {
    try {
      List<Integer> ids =
          kafka.await(admin.describeCluster().nodes(), "describe the cluster").stream()
              .map(Node::id)
              .toList();
      Map<Integer, Map<String, LogDirDescription>> dirs =
          kafka.await(admin.describeLogDirs(ids).allDescriptions(), "describe log dirs");
      Map<TopicPartition, Long> bytes = new HashMap<>();
      dirs.values()
          .forEach(
              byDir ->
                  byDir
                      .values()
                      .forEach(
                          dir ->
                              dir.replicaInfos()
                                  .forEach((tp, info) -> bytes.merge(tp, info.size(), Math::max))));
      return bytes;
    } catch (KbackupException e) {
      return null; // without Describe on the cluster: the column stays unknown
    }
  }
}

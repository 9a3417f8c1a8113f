package io.kbackup.metrics;

import io.kbackup.kafka.KafkaConnection;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotHistory;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far each backed-up topic's newest snapshot is behind the cluster now: the records appended
 * since its cut (last stable offsets now minus the snapshot's end offsets) and the cut's age. A
 * backup knows its lag only when it runs (0 at the cut); a long-running process calls {@link
 * #refresh} to follow it as time passes.
 */
public final class BackupLag {

  /** The lag of one topic. */
  public record TopicLag(String topic, long records, Instant cut) {}

  private BackupLag() {}

  /**
   * Measures the lag of every topic that a snapshot of this cluster holds and still exists, sets it
   * in the metrics, and returns it.
   */
  public static List<TopicLag> refresh(
      KbackupMetrics metrics, String repository, Repository r, KafkaConnection kafka, Instant now)
      throws IOException {
    List<TopicLag> lags = measure(r, kafka);
    lags.forEach(l -> metrics.backupLag(repository, l.topic(), l.records(), l.cut(), now));
    return lags;
  }

  /** Measures the lag of every topic that a snapshot of this cluster holds and still exists. */
  public static List<TopicLag> measure(Repository r, KafkaConnection kafka) throws IOException {
    try (Admin admin = kafka.admin()) {
      String clusterId = kafka.clusterId(admin);
      Set<String> existing = kafka.await(admin.listTopics().names(), "list topics");
      // the newest snapshot holding each topic (snapshots may select different topics), reading
      // older manifests only while a topic of the cluster is not found yet
      Map<String, TopicSnapshot> newest = new java.util.TreeMap<>();
      Map<String, Instant> cuts = new HashMap<>();
      SnapshotHistory history = r.history();
      for (int i = 0; i < history.size() && !newest.keySet().containsAll(existing); i++) {
        SnapshotManifest s = history.get(i);
        if (clusterId.equals(s.clusterId())) {
          for (TopicSnapshot t : s.topics()) {
            newest.putIfAbsent(t.name(), t);
            cuts.putIfAbsent(t.name(), Instant.parse(s.cutTime()));
          }
        }
      }
      Map<TopicPartition, Long> backedUp = new HashMap<>();
      newest.values().stream()
          .filter(t -> existing.contains(t.name()))
          .forEach(
              t -> {
                for (PartitionSnapshot p : t.partitions()) {
                  backedUp.put(new TopicPartition(t.name(), p.partition()), p.endOffset());
                }
              });
      Map<TopicPartition, Long> ends =
          backedUp.isEmpty()
              ? Map.of()
              : kafka.offsets(
                  admin, backedUp.keySet(), OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
      Map<String, Long> lag = new LinkedHashMap<>();
      backedUp.forEach(
          (tp, end) ->
              lag.merge(tp.topic(), Math.max(0, ends.getOrDefault(tp, end) - end), Long::sum));
      List<TopicLag> result = new ArrayList<>();
      for (String topic : newest.keySet()) {
        if (lag.containsKey(topic)) {
          result.add(new TopicLag(topic, lag.get(topic), cuts.get(topic)));
        }
      }
      return result;
    }
  }
}

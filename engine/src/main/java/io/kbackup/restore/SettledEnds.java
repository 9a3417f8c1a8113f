package io.kbackup.restore;

import io.kbackup.kafka.KafkaConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeLogDirsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end offsets of target partitions, read once their replicas agree. A client sees a partition
 * end at its high watermark; records an interrupted run wrote to the leader that no follower had
 * yet copied lie beyond it, and become readable a moment later. A resume that took the high
 * watermark then would send them again. So for a partition with more than one replica, wait until
 * every in-sync replica holds as many bytes as the leader and the high watermark has not moved for
 * longer than a follower waits between fetches. After the timeout the ends are taken as they are:
 * the check after sending still refuses a partition that then ends anywhere else.
 */
final class SettledEnds {

  private static final Logger log = LoggerFactory.getLogger(SettledEnds.class);

  /** Longer than a follower's longest fetch wait (replica.fetch.wait.max.ms, 500 ms by default). */
  static final Duration SETTLE = Duration.ofMillis(1200);

  private final KafkaConnection kafka;

  SettledEnds(KafkaConnection kafka) {
    this.kafka = kafka;
  }

  Map<TopicPartition, Long> read(Admin admin, Collection<TopicPartition> partitions) {
    Instant deadline = Instant.now().plus(kafka.timeout());
    while (true) {
      Map<TopicPartition, Long> before = ends(admin, partitions);
      Map<TopicPartition, List<Node>> replicated = replicatedIsr(admin, partitions);
      if (replicated.isEmpty()) {
        return before;
      }
      boolean copied = replicasHoldTheSame(admin, replicated);
      sleep(SETTLE);
      Map<TopicPartition, Long> after = ends(admin, partitions);
      if (copied && before.equals(after)) {
        return after;
      }
      if (Instant.now().isAfter(deadline)) {
        log.warn(
            "the replicas of the target partitions did not settle within {} s; resuming from the"
                + " high watermarks now",
            kafka.timeout().toSeconds());
        return after;
      }
    }
  }

  private Map<TopicPartition, Long> ends(Admin admin, Collection<TopicPartition> partitions) {
    return kafka.offsets(admin, partitions, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
  }

  /** The in-sync replicas of each partition that has more than one replica. */
  private Map<TopicPartition, List<Node>> replicatedIsr(
      Admin admin, Collection<TopicPartition> partitions) {
    Set<String> topics = new HashSet<>();
    partitions.forEach(tp -> topics.add(tp.topic()));
    Map<String, TopicDescription> described =
        kafka.await(admin.describeTopics(topics).allTopicNames(), "describe topics");
    Map<TopicPartition, List<Node>> isr = new HashMap<>();
    for (TopicPartition tp : partitions) {
      for (TopicPartitionInfo info : described.get(tp.topic()).partitions()) {
        if (info.partition() == tp.partition() && info.replicas().size() > 1) {
          isr.put(tp, info.isr());
        }
      }
    }
    return isr;
  }

  /** Whether every in-sync replica of each partition reports the same size on disk. */
  private boolean replicasHoldTheSame(Admin admin, Map<TopicPartition, List<Node>> isr) {
    Set<Integer> brokers = new HashSet<>();
    isr.values().forEach(nodes -> nodes.forEach(n -> brokers.add(n.id())));
    Map<Integer, Map<String, LogDirDescription>> dirs;
    try {
      // a broker that does not answer soon is as good as a replica that differs: ask again
      dirs =
          admin
              .describeLogDirs(brokers, new DescribeLogDirsOptions().timeoutMs(2000))
              .allDescriptions()
              .get(3, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    for (Map.Entry<TopicPartition, List<Node>> p : isr.entrySet()) {
      Set<Long> sizes = new HashSet<>();
      for (Node n : p.getValue()) {
        long size = -1;
        for (LogDirDescription d : dirs.getOrDefault(n.id(), Map.of()).values()) {
          var info = d.replicaInfos().get(p.getKey());
          if (info != null && !info.isFuture()) {
            size = info.size();
          }
        }
        sizes.add(size);
      }
      if (sizes.size() != 1 || sizes.contains(-1L)) {
        return false;
      }
    }
    return true;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

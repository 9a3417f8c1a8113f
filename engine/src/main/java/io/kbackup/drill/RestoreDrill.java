package io.kbackup.drill;

import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import io.kbackup.restore.PartitionRestore;
import io.kbackup.restore.Restore;
import io.kbackup.restore.RestoreOptions;
import io.kbackup.restore.RestoreResult;
import io.kbackup.restore.TopicMap;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery drill of an operator's runbook: restores a snapshot into scratch topics of a real
 * cluster, reads every restored record back and compares it with the backed-up one, then deletes
 * the scratch topics. It measures the time to recover and proves the snapshot restores.
 */
public final class RestoreDrill {

  /** Differences reported at most; the drill fails on the first one anyway. */
  static final int MAX_MISMATCHES = 20;

  private static final Logger log = LoggerFactory.getLogger(RestoreDrill.class);

  private final Repository repository;
  private final KafkaConnection kafka;

  public RestoreDrill(Repository repository, KafkaConnection kafka) {
    this.repository = repository;
    this.kafka = kafka;
  }

  /** A prefix no other drill uses, so that scratch topics never meet earlier ones. */
  public static String newPrefix() {
    return "kbackup-drill-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  }

  public DrillResult run(String snapshotId, TopicSelector topics, String prefix)
      throws IOException {
    SnapshotManifest snapshot = repository.snapshot(snapshotId);
    List<TopicSnapshot> selected =
        snapshot.topics().stream().filter(t -> topics.matches(t.name())).toList();
    if (selected.isEmpty()) {
      throw KbackupException.usage(
          "no topic of snapshot " + snapshot.id() + " matches " + topics.describe(),
          "see the snapshot's topics with `kbackup show " + snapshot.id() + "`");
    }
    for (TopicSnapshot t : selected) {
      if ((prefix + t.name()).length() > 249) {
        throw KbackupException.usage(
            "scratch topic " + prefix + t.name() + " would be longer than Kafka allows",
            "choose a shorter --prefix");
      }
    }
    String map =
        selected.stream()
            .map(t -> t.name() + "=" + prefix + t.name())
            .collect(Collectors.joining(","));
    RestoreOptions options =
        RestoreOptions.builder()
            .snapshot(snapshot.id())
            .topics(topics)
            .topicMap(TopicMap.parse(map))
            .dataOnly(true)
            // the cleaner must not compact the scratch copy while it is compared
            .configOverrides(Map.of("cleanup.policy", "delete"))
            .build();
    Instant started = Instant.now();
    RestoreResult restored = null;
    try {
      restored = new Restore(repository, kafka, options).run();
      double restoreSeconds = seconds(started);
      Instant compareStarted = Instant.now();
      List<String> mismatches = new ArrayList<>();
      try (RestoredRecordComparison comparison =
          new RestoredRecordComparison(repository.storage(), kafka, MAX_MISMATCHES)) {
        for (PartitionRestore p : restored.plan()) {
          comparison.compare(p, mismatches);
        }
      }
      return new DrillResult(
          snapshot.id(),
          started.toString(),
          kafka.bootstrapServers(),
          prefix,
          selected.size(),
          restored.plan().size(),
          restored.recordsSent(),
          restored.payloadBytes(),
          restoreSeconds,
          seconds(compareStarted),
          mismatches);
    } finally {
      cleanUp(selected.stream().map(t -> prefix + t.name()).collect(Collectors.toSet()), restored);
    }
  }

  /** Deletes the scratch topics and the restore's state; a drill leaves nothing behind. */
  private void cleanUp(Set<String> scratch, RestoreResult restored) throws IOException {
    try (Admin admin = kafka.admin()) {
      Set<String> existing = kafka.await(admin.listTopics().names(), "list topics");
      List<String> toDelete = scratch.stream().filter(existing::contains).sorted().toList();
      if (!toDelete.isEmpty()) {
        kafka.await(admin.deleteTopics(toDelete).all(), "delete the drill's scratch topics");
      }
    } catch (KbackupException e) {
      log.warn("could not delete the drill's scratch topics {}: {}", scratch, e.getMessage());
    }
    if (restored != null) {
      repository.storage().delete(Repository.RESTORES_PREFIX + restored.stateId() + ".json");
    }
  }

  private static double seconds(Instant since) {
    return Duration.between(since, Instant.now()).toMillis() / 1000.0;
  }
}

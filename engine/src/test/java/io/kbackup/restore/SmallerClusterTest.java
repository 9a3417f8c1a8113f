package io.kbackup.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.testing.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A topic replicated three times restores into a one-broker site with a replication factor it can
 * hold, and into a topic with more partitions.
 */
class SmallerClusterTest {

  @Test
  void aThreeBrokerTopicRestoresIntoAOneBrokerCluster(@TempDir Path dir) throws Exception {
    LocalKafka first =
        LocalKafka.start(
            dir.resolve("node1"),
            Map.of("offsets.topic.replication.factor", "1", "default.replication.factor", "1"));
    LocalKafka second = null;
    LocalKafka third = null;
    try {
      second = first.addBroker(dir.resolve("node2"), 2);
      third = first.addBroker(dir.resolve("node3"), 3);
      try (Admin admin = Topics.admin(first.bootstrapServers())) {
        admin.createTopics(List.of(new NewTopic("replicated", 3, (short) 3))).all().get();
      }
      Topics.fill(
          first.bootstrapServers(), "replicated", 3, 0, 30, (p, i) -> 1_700_000_000_000L + i);
      Repository repo =
          Repository.init(new FileSystemStorage(dir.resolve("repo")), SegmentSettings.defaults());
      SnapshotManifest snapshot =
          new Backup(
                  repo,
                  KafkaConnection.of(first.bootstrapServers()),
                  new BackupOptions(TopicSelector.of("replicated", null), false))
              .run()
              .snapshot();
      assertThat(snapshot.topics().get(0).replicationFactor()).isEqualTo(3);
      assertThat(snapshot.topics().get(0).replicaAssignment().values())
          .allSatisfy(replicas -> assertThat(Set.copyOf(replicas)).isEqualTo(Set.of(1, 2, 3)));

      LocalKafka small = SharedKafka.secondary();
      RestoreResult result =
          new Restore(
                  repo,
                  KafkaConnection.of(small.bootstrapServers()),
                  RestoreOptions.builder()
                      .topics(TopicSelector.of("replicated", null))
                      .topicMap(TopicMap.parse("replicated=replicated-dr"))
                      .replicationFactor(1)
                      .build())
              .run();
      assertThat(result.recordsSent()).isEqualTo(90);
      try (Admin admin = Topics.admin(small.bootstrapServers())) {
        assertThat(
                admin
                    .describeTopics(List.of("replicated-dr"))
                    .allTopicNames()
                    .get()
                    .get("replicated-dr")
                    .partitions())
            .hasSize(3)
            .allSatisfy(p -> assertThat(p.replicas()).hasSize(1));
      }
      assertThat(TopicContents.read(small.bootstrapServers(), "replicated-dr"))
          .isEqualTo(TopicContents.read(first.bootstrapServers(), "replicated"));

      // more partitions than the source had: records keep their partition, the new ones are empty
      RestoreResult wider =
          new Restore(
                  repo,
                  KafkaConnection.of(small.bootstrapServers()),
                  RestoreOptions.builder()
                      .topics(TopicSelector.of("replicated", null))
                      .topicMap(TopicMap.parse("replicated=replicated-wide"))
                      .replicationFactor(1)
                      .partitions(PartitionCounts.parse(List.of("replicated=5")))
                      .build())
              .run();
      assertThat(wider.notes())
          .contains(
              "topic replicated-wide created with 5 partitions; partitions 3 to 4 start empty,"
                  + " and keyed producers will place keys differently than before");
      try (Admin admin = Topics.admin(small.bootstrapServers())) {
        assertThat(
                admin
                    .describeTopics(List.of("replicated-wide"))
                    .allTopicNames()
                    .get()
                    .get("replicated-wide")
                    .partitions())
            .hasSize(5);
      }
      assertThat(TopicContents.read(small.bootstrapServers(), "replicated-wide"))
          .hasSize(90)
          .isEqualTo(TopicContents.read(first.bootstrapServers(), "replicated"));
    } finally {
      if (third != null) {
        third.stop();
      }
      if (second != null) {
        second.stop();
      }
      first.stop();
    }
  }
}

package io.kbackup.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.localkafka.TopicContents.Entry;
import io.kbackup.repository.Repository;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.testing.Topics;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetClusterTest {

  @Test
  void restoresIntoASecondClusterUnderANewNameAndGuardsNonEmptyTargets(@TempDir Path dir)
      throws Exception {
    LocalKafka source = SharedKafka.primary();
    LocalKafka target = SharedKafka.secondary();
    String topic = "dc-orders";
    Topics.create(source.bootstrapServers(), topic, 4);
    Topics.fill(source.bootstrapServers(), topic, 4, 0, 250, (p, i) -> 1_690_000_000_000L + i);
    Repository repo = Repository.init(new FileSystemStorage(dir), SegmentSettings.defaults());
    new Backup(
            repo,
            KafkaConnection.of(source.bootstrapServers()),
            new BackupOptions(TopicSelector.of("dc-.*", null), false))
        .run();

    KafkaConnection other = KafkaConnection.of(target.bootstrapServers());
    RestoreOptions options =
        RestoreOptions.builder()
            .topicMap(TopicMap.parse(topic + "=orders-dr"))
            .parallelism(2)
            .build();
    RestoreResult result = new Restore(repo, other, options).run();
    assertThat(result.recordsSent()).isEqualTo(1000);
    assertThat(result.createdTopics()).containsExactly("orders-dr");
    List<Entry> original = TopicContents.read(source.bootstrapServers(), topic);
    assertThat(TopicContents.read(target.bootstrapServers(), "orders-dr")).isEqualTo(original);

    // the same restore again is recognised as done: nothing is sent twice
    RestoreResult again = new Restore(repo, other, options).run();
    assertThat(again.recordsSent()).isZero();
    assertThat(again.recordsAlreadyPresent()).isEqualTo(1000);
    assertThat(again.notes())
        .contains(
            "this restore completed before: consumer group offsets, ACLs and quotas were not set"
                + " again (name the groups with --groups to set them again)");
    assertThat(TopicContents.read(target.bootstrapServers(), "orders-dr")).hasSize(1000);

    // a different restore into the now non-empty topic is refused with a hint
    RestoreOptions other2 =
        RestoreOptions.builder()
            .toTime(java.time.Instant.now())
            .topicMap(TopicMap.parse(topic + "=orders-dr"))
            .parallelism(2)
            .build();
    assertThatThrownBy(() -> new Restore(repo, other, other2).run())
        .isInstanceOfSatisfying(
            KbackupException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
              assertThat(e.getMessage()).contains("orders-dr-").contains("already holds records");
              assertThat(e.hint()).contains("--if-not-empty=append");
            });
    assertThat(TopicContents.read(target.bootstrapServers(), "orders-dr")).hasSize(1000);

    // told to append, it restores after the records already there
    RestoreOptions append =
        RestoreOptions.builder()
            .toTime(java.time.Instant.now())
            .topicMap(TopicMap.parse(topic + "=orders-dr"))
            .parallelism(2)
            .existingData(ExistingDataPolicy.APPEND)
            .build();
    RestoreResult appended = new Restore(repo, other, append).run();
    assertThat(appended.recordsSent()).isEqualTo(1000);
    List<Entry> twice = TopicContents.read(target.bootstrapServers(), "orders-dr");
    for (int p = 0; p < 4; p++) {
      int partition = p;
      List<Entry> expected = original.stream().filter(e -> e.partition() == partition).toList();
      List<Entry> actual = twice.stream().filter(e -> e.partition() == partition).toList();
      assertThat(actual).hasSize(500);
      assertThat(actual.subList(0, 250)).isEqualTo(expected);
      assertThat(actual.subList(250, 500).stream().map(Entry::withoutOffset).toList())
          .isEqualTo(expected.stream().map(Entry::withoutOffset).toList());
    }
  }

  @Test
  void metadataFirstThenTheDataContinuesTheSameRestore(@TempDir Path dir) throws Exception {
    LocalKafka source = SharedKafka.primary();
    LocalKafka target = SharedKafka.secondary();
    String topic = "meta-src";
    try (var admin = Topics.admin(source.bootstrapServers())) {
      admin
          .createTopics(
              List.of(
                  new org.apache.kafka.clients.admin.NewTopic(topic, 2, (short) 1)
                      .configs(java.util.Map.of("retention.ms", "315360000000"))))
          .all()
          .get();
    }
    Topics.fill(
        source.bootstrapServers(),
        topic,
        2,
        0,
        5,
        (p, i) -> System.currentTimeMillis() - 1000L * i);
    GroupRestoreTest.commit(
        source, "meta-readers", java.util.Map.of(GroupRestoreTest.tp(topic, 1), 3L));
    Repository repo = Repository.init(new FileSystemStorage(dir), SegmentSettings.defaults());
    new Backup(
            repo,
            KafkaConnection.of(source.bootstrapServers()),
            new BackupOptions(TopicSelector.of(topic, null), false))
        .run();
    KafkaConnection other = KafkaConnection.of(target.bootstrapServers());
    RestoreOptions.Builder options =
        RestoreOptions.builder()
            .topics(TopicSelector.of(topic, null))
            .topicMap(TopicMap.parse(topic + "=meta-dst"));

    RestoreResult metadata = new Restore(repo, other, options.metadataOnly(true).build()).run();
    assertThat(metadata.recordsSent()).isZero();
    assertThat(metadata.createdTopics()).containsExactly("meta-dst");
    assertThat(TopicContents.read(target.bootstrapServers(), "meta-dst")).isEmpty();
    assertThat(GroupRestoreTest.readAsGroup(target.bootstrapServers(), "meta-dst", "meta-readers"))
        .isEmpty();

    RestoreResult data = new Restore(repo, other, options.metadataOnly(false).build()).run();
    assertThat(data.recordsSent()).isEqualTo(10);
    assertThat(data.notes())
        .contains(
            "topic meta-dst: backed-up configs applied after the data: retention.ms=315360000000");
    assertThat(
            TopicContents.read(target.bootstrapServers(), "meta-dst").stream()
                .map(Entry::withoutOffset)
                .toList())
        .isEqualTo(
            TopicContents.read(source.bootstrapServers(), topic).stream()
                .map(Entry::withoutOffset)
                .toList());
    assertThat(GroupRestoreTest.readAsGroup(target.bootstrapServers(), "meta-dst", "meta-readers"))
        .isEqualTo(GroupRestoreTest.readAsGroup(source.bootstrapServers(), topic, "meta-readers"));
  }

  @Test
  void aSnapshotOfTheRestoredClusterDiffersFromTheSourceOnlyInWhatTheRestoreSet(@TempDir Path dir)
      throws Exception {
    LocalKafka source = SharedKafka.primary();
    LocalKafka target = SharedKafka.secondary();
    String topic = "same-name";
    try (var admin = Topics.admin(source.bootstrapServers())) {
      admin
          .createTopics(
              List.of(
                  new org.apache.kafka.clients.admin.NewTopic(topic, 3, (short) 1)
                      .configs(
                          java.util.Map.of(
                              "retention.ms", "315360000000", "max.message.bytes", "2097152"))))
          .all()
          .get();
    }
    Topics.fill(
        source.bootstrapServers(),
        topic,
        3,
        0,
        20,
        (p, i) -> System.currentTimeMillis() - 1000L * i);
    GroupRestoreTest.commit(
        source,
        "same-readers",
        java.util.Map.of(GroupRestoreTest.tp(topic, 0), 7L, GroupRestoreTest.tp(topic, 2), 20L));
    Repository repo = Repository.init(new FileSystemStorage(dir), SegmentSettings.defaults());
    var before =
        new Backup(
                repo,
                KafkaConnection.of(source.bootstrapServers()),
                new BackupOptions(TopicSelector.of(topic, null), false))
            .run()
            .snapshot();
    new Restore(
            repo,
            KafkaConnection.of(target.bootstrapServers()),
            RestoreOptions.builder().topics(TopicSelector.of(topic, null)).build())
        .run();
    var after =
        new Backup(
                repo,
                KafkaConnection.of(target.bootstrapServers()),
                new BackupOptions(TopicSelector.of(topic, null), false))
            .run()
            .snapshot();

    List<String> differences =
        io.kbackup.metadata.SnapshotDiff.between(before, after).stream()
            // cluster-wide state of two different test clusters is not the restore's doing
            .filter(line -> line.contains(topic) || line.contains("same-readers"))
            .toList();
    assertThat(differences)
        .containsExactly(
            "~ topic same-name was deleted and created again (topic id "
                + before.topics().get(0).topicId()
                + " -> "
                + after.topics().get(0).topicId()
                + ")",
            "+ topic same-name config message.timestamp.type=CreateTime");
  }
}

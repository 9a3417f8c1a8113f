package io.kbackup.restore;

import static io.kbackup.restore.GroupRestoreTest.commit;
import static io.kbackup.restore.GroupRestoreTest.groupConsumer;
import static io.kbackup.restore.GroupRestoreTest.tp;
import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A point-in-time restore sets each group to where it was at that time, from the newest snapshot
 * taken before it, so that a consumer re-reads what it read later and never skips a record it had
 * not read then.
 */
class PointInTimeGroupsTest {

  @Test
  void groupsComeFromTheNewestSnapshotAtOrBeforeTheTime(@TempDir Path dir) throws Exception {
    LocalKafka source = SharedKafka.primary();
    LocalKafka target = SharedKafka.secondary();
    String b = source.bootstrapServers();
    Topics.create(b, "pitg-a", 2);
    Topics.create(b, "pitg-b", 1);
    Repository repo = Repository.init(new FileSystemStorage(dir), SegmentSettings.defaults());

    Topics.fill(b, "pitg-a", 2, 0, 20, (p, i) -> System.currentTimeMillis());
    commit(source, "pit-a-reader", Map.of(tp("pitg-a", 0), 12L, tp("pitg-a", 1), 5L));
    SnapshotManifest first = backup(repo, b, "pitg-a");
    Topics.fill(b, "pitg-b", 1, 0, 10, (p, i) -> System.currentTimeMillis());
    commit(source, "pit-b-reader", Map.of(tp("pitg-b", 0), 4L));
    Thread.sleep(50);
    Instant time = Instant.now();
    Thread.sleep(50);
    // after the point in time: more records, read by both groups
    Topics.fill(b, "pitg-a", 2, 20, 20, (p, i) -> System.currentTimeMillis());
    commit(source, "pit-a-reader", Map.of(tp("pitg-a", 0), 35L, tp("pitg-a", 1), 30L));
    commit(source, "pit-b-reader", Map.of(tp("pitg-b", 0), 10L));
    SnapshotManifest second = backup(repo, b, "pitg-.*");

    RestoreOptions.Builder options =
        RestoreOptions.builder()
            .toTime(time)
            .topics(TopicSelector.of("pitg-.*", null))
            .topicMap(TopicMap.parse("pitg-a=pitg-a-dr,pitg-b=pitg-b-dr"));
    KafkaConnection to = KafkaConnection.of(target.bootstrapServers());
    RestoreResult dryRun = new Restore(repo, to, options.dryRun(true).build()).run();
    RestoreResult result = new Restore(repo, to, options.dryRun(false).build()).run();

    assertThat(result.snapshotId()).isEqualTo(second.id());
    assertThat(result.recordsSent()).isEqualTo(2 * 20 + 10);
    assertThat(result.groups())
        .extracting(GroupOutcome::groupId, GroupOutcome::offsets)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "pit-a-reader", Map.of(tp("pitg-a-dr", 0), 12L, tp("pitg-a-dr", 1), 5L)),
            org.assertj.core.groups.Tuple.tuple("pit-b-reader", Map.of(tp("pitg-b-dr", 0), 10L)));
    assertThat(dryRun.groups()).isEqualTo(result.groups());
    assertThat(result.notes())
        .contains(
            "consumer groups on topic pitg-a get their offsets of snapshot "
                + first.id()
                + ", taken at "
                + first.cutTime()
                + ", the newest at or before "
                + time,
            "no snapshot of topic pitg-b was taken at or before "
                + time
                + ": its consumer groups get the offsets of snapshot "
                + second.id()
                + " and resume after every restored record they had read by "
                + second.cutTime());

    // the group reads in the target exactly what it had not read at that time
    List<String> expected = new ArrayList<>();
    IntStream.range(12, 20).forEach(i -> expected.add("0-" + i));
    IntStream.range(5, 20).forEach(i -> expected.add("1-" + i));
    assertThat(valuesReadAsGroup(target.bootstrapServers(), "pitg-a-dr", 2, "pit-a-reader"))
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(valuesReadAsGroup(target.bootstrapServers(), "pitg-b-dr", 1, "pit-b-reader"))
        .isEmpty();
  }

  private static SnapshotManifest backup(Repository repo, String bootstrap, String topics)
      throws Exception {
    return new Backup(
            repo,
            KafkaConnection.of(bootstrap),
            new BackupOptions(TopicSelector.of(topics, null), false))
        .run()
        .snapshot();
  }

  /** The values a consumer of the group reads from its committed offsets to the end. */
  private static List<String> valuesReadAsGroup(
      String bootstrap, String topic, int partitions, String group) throws Exception {
    Map<TopicPartition, Long> ends = Topics.endOffsets(bootstrap, topic, partitions);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(bootstrap, group)) {
      consumer.assign(ends.keySet());
      Instant deadline = Instant.now().plusSeconds(30);
      while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        assertThat(Instant.now()).as("reading " + topic + " as " + group).isBefore(deadline);
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }
}

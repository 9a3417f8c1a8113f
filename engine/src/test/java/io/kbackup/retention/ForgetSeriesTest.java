package io.kbackup.retention;

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
import io.kbackup.storage.ObjectInfo;
import io.kbackup.testing.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forget on the snapshots of separate backup jobs of one cluster. */
class ForgetSeriesTest {

  static LocalKafka kafka;

  @BeforeAll
  static void broker() throws Exception {
    kafka = SharedKafka.primary();
    Topics.create(kafka.bootstrapServers(), "series-small", 1);
    Topics.create(kafka.bootstrapServers(), "series-big", 1);
    Topics.fill(kafka.bootstrapServers(), "series-small", 1, 0, 20, (p, i) -> 1_700_000_000L + i);
    Topics.fill(kafka.bootstrapServers(), "series-big", 1, 0, 30, (p, i) -> 1_700_000_000L + i);
  }

  static String backup(Repository repo, String topic) throws Exception {
    return new Backup(
            repo,
            KafkaConnection.of(kafka.bootstrapServers()),
            new BackupOptions(TopicSelector.of(topic, null), false))
        .run()
        .snapshot()
        .id();
  }

  /** {@code backup --topics small} once, then {@code backup --topics big} three times. */
  static List<String> smallOnceBigThrice(Repository repo) throws Exception {
    List<String> ids = new ArrayList<>();
    ids.add(backup(repo, "series-small"));
    for (int i = 0; i < 3; i++) {
      ids.add(backup(repo, "series-big"));
    }
    return ids;
  }

  static Repository emptyRepository(Path dir) throws Exception {
    return Repository.init(new FileSystemStorage(dir), SegmentSettings.defaults());
  }

  static RetentionPolicy keepLast(int n) {
    return new RetentionPolicy(n, 0, 0, 0, 0, 0, null);
  }

  @Test
  void eachTopicSelectionIsItsOwnSeriesSoASeparateJobKeepsItsOnlySnapshot(@TempDir Path dir)
      throws Exception {
    Repository repo = emptyRepository(dir);
    List<String> ids = smallOnceBigThrice(repo);

    Forget.Result dry = new Forget(repo).run(keepLast(2), false, true);
    assertThat(dry.removed()).extracting(SnapshotManifest::id).containsExactly(ids.get(1));
    assertThat(dry.kept())
        .extracting(k -> k.snapshot().id())
        .containsExactlyInAnyOrder(ids.get(0), ids.get(2), ids.get(3));
    assertThat(dry.topicsLost()).isEmpty();

    Forget.Result done = new Forget(repo).run(keepLast(2), false, false);
    assertThat(done.removed()).extracting(SnapshotManifest::id).containsExactly(ids.get(1));
    new Prune(repo).run(CalendarSpan.parse("0h", "--grace"), false);
    assertThat(repo.snapshots())
        .extracting(SnapshotManifest::id)
        .containsExactly(ids.get(0), ids.get(2), ids.get(3));
    assertThat(repo.storage().list("data/series-small/")).extracting(ObjectInfo::key).isNotEmpty();
    assertThat(repo.snapshot(ids.get(0)).recordCount()).isEqualTo(20);
  }

  @Test
  void aBackupOfMoreTopicsSupersedesAnEarlierSelectionItHoldsAll(@TempDir Path dir)
      throws Exception {
    Repository repo = emptyRepository(dir);
    String small = backup(repo, "series-small");
    String both1 = backup(repo, "series-(small|big)");
    String both2 = backup(repo, "series-(small|big)");

    Forget.Result result = new Forget(repo).run(keepLast(2), false, false);

    assertThat(result.removed()).extracting(SnapshotManifest::id).containsExactly(small);
    assertThat(repo.snapshots()).extracting(SnapshotManifest::id).containsExactly(both1, both2);
    assertThat(result.topicsLost()).isEmpty();
  }

  @Test
  void onlyWhenAllowedDoesTheClusterFormOneSeriesAndTheLostTopicsAreNamed(@TempDir Path dir)
      throws Exception {
    Repository repo = emptyRepository(dir);
    List<String> ids = smallOnceBigThrice(repo);

    Forget.Result dry = new Forget(repo).run(keepLast(2), true, true);
    assertThat(dry.removed())
        .extracting(SnapshotManifest::id)
        .containsExactly(ids.get(1), ids.get(0));
    assertThat(dry.topicsLost()).containsExactly("series-small");
    assertThat(repo.snapshots()).hasSize(4);

    Forget.Result done = new Forget(repo).run(keepLast(2), true, false);
    assertThat(done.topicsLost()).containsExactly("series-small");
    assertThat(repo.snapshots())
        .extracting(SnapshotManifest::id)
        .containsExactly(ids.get(2), ids.get(3));
  }
}

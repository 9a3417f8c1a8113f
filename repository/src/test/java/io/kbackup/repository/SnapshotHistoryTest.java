package io.kbackup.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.error.CorruptDataException;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotHistoryTest {

  @Test
  void newestFirstInTheOrderOfSnapshotsReadingOnlyAsFarAsAsked(@TempDir Path dir) throws Exception {
    Repository repo = Repository.init(new FileSystemStorage(dir), SegmentSettings.defaults());
    for (int i = 0; i < 50; i++) {
      commit(repo, String.format("20251201-0000%02d-old%03d", i % 60, i), "2025-12-01T00:00:00Z");
    }
    // within one second the random part of the id does not follow the creation time
    commit(repo, "20260101-000000-ffffff", "2026-01-01T00:00:00.100Z");
    commit(repo, "20260101-000000-aaaaaa", "2026-01-01T00:00:00.900Z");
    commit(repo, "20260101-000001-zzzzzz", "2026-01-01T00:00:01.500Z");
    commit(repo, "20260101-000001-000000", "2026-01-01T00:00:01.000Z");
    commit(repo, "20260102-120000-cccccc", "2026-01-02T12:00:00.250Z");
    commit(repo, "20260102-120000-bbbbbb", "2026-01-02T12:00:00.750Z");

    List<String> oldestFirst = repo.snapshots().stream().map(SnapshotManifest::id).toList();
    SnapshotHistory history = repo.history();
    assertThat(history.size()).isEqualTo(56);
    List<String> newestFirst = new ArrayList<>();
    for (int i = 0; history.get(i) != null; i++) {
      newestFirst.add(history.get(i).id());
    }
    List<String> reversed = new ArrayList<>(oldestFirst);
    java.util.Collections.reverse(reversed);
    assertThat(newestFirst).isEqualTo(reversed);
    assertThat(newestFirst.subList(0, 6))
        .containsExactly(
            "20260102-120000-bbbbbb",
            "20260102-120000-cccccc",
            "20260101-000001-zzzzzz",
            "20260101-000001-000000",
            "20260101-000000-aaaaaa",
            "20260101-000000-ffffff");

    // older manifests are not read to find the newest ones: damage them all
    for (int i = 0; i < 50; i++) {
      Files.writeString(
          dir.resolve("snapshots")
              .resolve(String.format("20251201-0000%02d-old%03d.json", i % 60, i)),
          "{not json");
    }
    assertThat(repo.latestSnapshot().orElseThrow().id()).isEqualTo("20260102-120000-bbbbbb");
    assertThat(repo.history().get(5).id()).isEqualTo("20260101-000000-ffffff");
    assertThatThrownBy(() -> repo.history().get(6)).isInstanceOf(CorruptDataException.class);
    assertThatThrownBy(repo::snapshots).isInstanceOf(CorruptDataException.class);
  }

  @Test
  void anEmptyRepositoryHasNoHistory(@TempDir Path dir) throws Exception {
    Repository repo = Repository.init(new FileSystemStorage(dir), SegmentSettings.defaults());
    assertThat(repo.history().isEmpty()).isTrue();
    assertThat(repo.history().get(0)).isNull();
    assertThat(repo.latestSnapshot()).isEmpty();
  }

  private static void commit(Repository repo, String id, String created) throws Exception {
    repo.commit(
        new SnapshotManifest(
            1, id, created, created, "c", "v", null, List.of(), List.of(), null, List.of()));
  }
}

package io.kbackup.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.repository.Json;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.lock.LockInfo;
import io.kbackup.repository.lock.RepositoryLock;
import io.kbackup.retention.CalendarSpan;
import io.kbackup.retention.Prune;
import io.kbackup.segment.Codec;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.Storage;
import io.kbackup.testing.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prune that runs while a backup is under way, because the backup's lock looked stale to it,
 * deletes the segments the backup re-uses from the snapshot just forgotten. The backup must then
 * refuse to commit a snapshot that cannot be restored.
 */
class PruneDuringBackupTest {

  static LocalKafka kafka;

  @BeforeAll
  static void broker() {
    kafka = SharedKafka.primary();
  }

  @Test
  void aBackupPausedPastTheStaleAgeDoesNotCommitAfterAPrune(@TempDir Path dir) throws Exception {
    String topic = "prune-paused";
    FileSystemStorage plain = given(dir, topic);
    Repository other = Repository.open(plain);
    SnapshotManifest first = other.latestSnapshot().orElseThrow();

    Repository paused =
        Repository.open(
            new PausingStorage(
                plain,
                () -> {
                  // what others see of a backup paused for 31 minutes: its lock not refreshed
                  LockInfo lock = RepositoryLock.list(plain).get(0);
                  String old = Instant.now().minus(Duration.ofMinutes(31)).toString();
                  plain.put(
                      RepositoryLock.PREFIX + lock.id() + ".json", Json.write(lock.refreshed(old)));
                  forgetAndPrune(other, first);
                }));

    assertRefused(
        paused,
        topic,
        Pattern.quote("the lock of `backup` on " + dir + " was lost while it ran;")
            + " nothing was committed");
    assertThat(other.snapshots()).isEmpty();
  }

  @Test
  void aBackupWhoseReusedSegmentsWerePrunedDoesNotCommit(@TempDir Path dir) throws Exception {
    String topic = "prune-reused";
    FileSystemStorage plain = given(dir, topic);
    Repository other = Repository.open(plain);
    SnapshotManifest first = other.latestSnapshot().orElseThrow();
    String reused = first.topics().get(0).partitions().get(0).segments().get(0).key();

    Repository running =
        Repository.open(
            new PausingStorage(
                plain,
                () -> {
                  // the lock is taken for stale and removed (or, for a second host of the same
                  // name, ignored), a prune runs, and the lock is there again as its holder wrote
                  // it: the holder cannot tell
                  LockInfo lock = RepositoryLock.list(plain).get(0);
                  String key = RepositoryLock.PREFIX + lock.id() + ".json";
                  byte[] stored = plain.readAll(key);
                  RepositoryLock.remove(plain, true);
                  forgetAndPrune(other, first);
                  plain.put(key, stored);
                }));

    assertRefused(
        running,
        topic,
        "\\d+ objects that snapshot \\S+ lists are gone from "
            + Pattern.quote(dir.toString())
            + " \\(such as data/prune-reused/0/\\S+\\): a prune deleted them while this backup"
            + " ran; nothing was committed");
    assertThat(plain.stat(reused)).isEmpty();
    assertThat(other.snapshots()).isEmpty();
  }

  static void assertRefused(Repository repo, String topic, String message) {
    assertThatThrownBy(() -> backup(repo, topic))
        .isInstanceOf(KbackupException.class)
        .hasMessageMatching(message)
        .extracting(e -> ((KbackupException) e).exitCode())
        .isEqualTo(11);
  }

  /** A repository with one snapshot of 2 × 300 records in several segments, and 2 × 100 more. */
  static FileSystemStorage given(Path dir, String topic) throws Exception {
    Topics.create(kafka.bootstrapServers(), topic, 2);
    Topics.fill(kafka.bootstrapServers(), topic, 2, 0, 300, (p, i) -> 1_700_000_000_000L + i);
    FileSystemStorage plain = new FileSystemStorage(dir);
    Repository repo = Repository.init(plain, new SegmentSettings(Codec.NONE, 0, 1024, 4096));
    backup(repo, topic);
    Topics.fill(kafka.bootstrapServers(), topic, 2, 300, 100, (p, i) -> 1_700_000_000_000L + i);
    return plain;
  }

  static void forgetAndPrune(Repository repo, SnapshotManifest snapshot) throws IOException {
    repo.forget(snapshot.id());
    Prune.Result pruned = new Prune(repo).run(new CalendarSpan(0, 0, 0, 0), false);
    assertThat(pruned.deleted()).isNotEmpty();
  }

  static BackupResult backup(Repository repo, String topic) throws Exception {
    return new Backup(
            repo,
            KafkaConnection.of(kafka.bootstrapServers()),
            new BackupOptions(TopicSelector.of(topic, null), false))
        .run();
  }

  /** A storage that runs {@code pause} once, when the backup records its first stored segment. */
  static final class PausingStorage implements Storage {
    interface Pause {
      void run() throws IOException;
    }

    private final Storage storage;
    private Pause pause;

    PausingStorage(Storage storage, Pause pause) {
      this.storage = storage;
      this.pause = pause;
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
      storage.put(key, bytes);
      if (key.startsWith("progress/") && pause != null) {
        Pause now = pause;
        pause = null;
        now.run();
      }
    }

    @Override
    public void put(String key, Path file) throws IOException {
      storage.put(key, file);
    }

    @Override
    public Path scratchDirectory() throws IOException {
      return storage.scratchDirectory();
    }

    @Override
    public boolean putIfAbsent(String key, byte[] bytes) throws IOException {
      return storage.putIfAbsent(key, bytes);
    }

    @Override
    public boolean putIfAbsent(String key, Path file) throws IOException {
      return storage.putIfAbsent(key, file);
    }

    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
      return storage.get(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
      return storage.stat(key);
    }

    @Override
    public Optional<Instant> lastModified(String key) throws IOException {
      return storage.lastModified(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
      return storage.list(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
      storage.delete(key);
    }

    @Override
    public String location() {
      return storage.location();
    }
  }
}

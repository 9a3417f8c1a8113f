package io.kbackup.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.error.CorruptDataException;
import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.lock.LockKind;
import io.kbackup.repository.lock.RepositoryLock;
import io.kbackup.restore.Restore;
import io.kbackup.restore.RestoreOptions;
import io.kbackup.restore.TopicMap;
import io.kbackup.segment.Codec;
import io.kbackup.segment.SegmentIndex;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.testing.SnapshotRecords;
import io.kbackup.testing.Topics;
import io.kbackup.verify.Problem.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verification of a repository made by real backups, clean and then damaged one object at a time:
 * every flipped bit and truncation is found and named.
 */
class VerifierTest {

  static final String PREFIX = "ver-";
  static final String ORDERS = PREFIX + SampleTopics.ORDERS;

  static LocalKafka kafka;
  @TempDir static Path origin;
  static SnapshotManifest first;
  static SnapshotManifest second;

  /** The first segment of orders-0, shared by both snapshots. */
  static SegmentInfo shared;

  @BeforeAll
  static void backUpTwice() throws Exception {
    kafka = SharedKafka.primary();
    SampleTopics.write(kafka.bootstrapServers(), PREFIX, 60);
    Repository repo =
        Repository.init(
            new FileSystemStorage(origin), new SegmentSettings(Codec.ZSTD, 1, 1024, 4096));
    first = backup(repo);
    Topics.fill(kafka.bootstrapServers(), ORDERS, 3, 60, 30, (p, i) -> 1_600_000_000_000L + i);
    second = backup(repo);
    shared = SnapshotRecords.partition(first, ORDERS, 0).segments().get(0);
    assertThat(SnapshotRecords.partition(second, ORDERS, 0).segments()).contains(shared);
  }

  static SnapshotManifest backup(Repository repo) throws Exception {
    return new Backup(
            repo,
            KafkaConnection.of(kafka.bootstrapServers()),
            new BackupOptions(TopicSelector.of(PREFIX + ".*", null), false))
        .run()
        .snapshot();
  }

  /** A copy of the backed-up repository, to damage. */
  static Path copy(Path dir) throws Exception {
    Path target = dir.resolve("repo");
    try (Stream<Path> files = Files.walk(origin)) {
      for (Path f : files.toList()) {
        Path to = target.resolve(origin.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    return target;
  }

  static VerifyReport verify(Path repo, int level) throws Exception {
    return new Verifier(new FileSystemStorage(repo)).run(new VerifyOptions(null, level, null));
  }

  static void flip(Path file, long position, int bit) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) position] ^= (byte) (1 << bit);
    Files.write(file, bytes);
  }

  static void truncate(Path file, long size) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, (int) size));
  }

  static List<SegmentIndex.Entry> entries(SegmentInfo s) throws Exception {
    return SegmentIndex.fromBytes(Files.readAllBytes(origin.resolve(s.indexKey())), "test")
        .entries();
  }

  static Problem onShared(Kind kind, String object, String detail) {
    return Problem.of(
        kind, object, ORDERS + "-0", shared.firstOffset(), shared.lastOffset(), detail);
  }

  static Problem onBatch(Kind kind, SegmentIndex.Entry e, String detail) {
    return Problem.of(kind, shared.key(), ORDERS + "-0", e.baseOffset(), e.lastOffset(), detail);
  }

  static String manifestKey(SnapshotManifest m) {
    return "snapshots/" + m.id() + ".json";
  }

  @Test
  void aRepositoryMadeByRealBackupsIsCleanAtBothLevels(@TempDir Path dir) throws Exception {
    Path repo = copy(dir);
    VerifyReport one = verify(repo, 1);
    assertThat(one.problems()).isEmpty();
    assertThat(one.snapshots()).containsExactlyInAnyOrder(first.id(), second.id());
    assertThat(one.objectsRead()).isEmpty();

    VerifyReport two = verify(repo, 2);
    assertThat(two.problems()).isEmpty();
    Set<String> distinct = new HashSet<>();
    long listed = 0;
    for (SnapshotManifest m : List.of(first, second)) {
      for (var t : m.topics()) {
        for (var p : t.partitions()) {
          listed += p.segments().size();
          p.segments().forEach(s -> distinct.add(s.key()));
        }
      }
    }
    // every segment is read once, however many snapshots share it
    assertThat(two.segments()).isEqualTo(distinct.size()).isLessThan((int) listed);
    assertThat(two.objectsRead()).containsExactlyInAnyOrderElementsOf(distinct);
    assertThat(two.bytesRead())
        .isEqualTo(first.storedBytes() + second.storedBytes() - shared(distinct));
    assertThat(Files.exists(repo.resolve(VerifyState.KEY))).isTrue();

    VerifyReport latest =
        new Verifier(new FileSystemStorage(repo)).run(new VerifyOptions("latest", 2, null));
    assertThat(latest.snapshots()).containsExactly(second.id());
    assertThat(latest.problems()).isEmpty();
  }

  /** Bytes of the segments and indexes the two snapshots list both. */
  static long shared(Set<String> distinct) throws Exception {
    long both = 0;
    for (var t : second.topics()) {
      for (var p : t.partitions()) {
        for (SegmentInfo s : p.segments()) {
          if (first.topics().stream()
              .flatMap(x -> x.partitions().stream())
              .anyMatch(x -> x.segments().contains(s))) {
            both += s.size() + s.indexSize();
          }
        }
      }
    }
    return both;
  }

  @Test
  void level1FindsMissingAndTruncatedObjects(@TempDir Path dir) throws Exception {
    Path repo = copy(dir);
    SegmentInfo other = SnapshotRecords.partition(second, ORDERS, 1).segments().get(1);
    Files.delete(repo.resolve(other.key()));
    truncate(repo.resolve(shared.key()), shared.size() - 1);
    truncate(repo.resolve(shared.indexKey()), shared.indexSize() - 40);

    assertThat(verify(repo, 1).problems())
        .containsExactly(
            onShared(
                Kind.SIZE_MISMATCH,
                shared.key(),
                "size is " + (shared.size() - 1) + " bytes, the manifest says " + shared.size()),
            onShared(
                Kind.SIZE_MISMATCH,
                shared.indexKey(),
                "size is "
                    + (shared.indexSize() - 40)
                    + " bytes, the manifest says "
                    + shared.indexSize()),
            Problem.of(
                Kind.MISSING,
                other.key(),
                ORDERS + "-1",
                other.firstOffset(),
                other.lastOffset(),
                "missing"));
  }

  @Test
  void level2FindsEveryFlippedBitInASegment(@TempDir Path dir) throws Exception {
    List<SegmentIndex.Entry> entries = entries(shared);
    SegmentIndex.Entry firstBatch = entries.get(0);
    SegmentIndex.Entry lastBatch = entries.get(entries.size() - 1);
    assertThat(entries).hasSizeGreaterThan(1);

    // the CRC32C covers a batch from its attributes on
    assertThat(damagedSegment(dir, "crc", 17, 0))
        .containsExactly(onBatch(Kind.CORRUPT, firstBatch, "at byte 0: CRC32C mismatch"));
    assertThat(damagedSegment(dir, "records", shared.size() - 1, 7))
        .containsExactly(
            onBatch(
                Kind.CORRUPT, lastBatch, "at byte " + lastBatch.position() + ": CRC32C mismatch"));
    // the base offset is outside the CRC: the range check finds it
    List<Problem> offset = damagedSegment(dir, "offset", 3, 0);
    assertThat(offset).hasSize(1);
    assertThat(offset.get(0).detail())
        .startsWith("at byte 0: batch offsets " + (firstBatch.baseOffset() + (1L << 32)));
    assertThat(offset.get(0)).isEqualTo(onBatch(Kind.CORRUPT, firstBatch, offset.get(0).detail()));
    // the leader epoch is checked by nothing but the SHA-256
    Path epoch = copy(dir.resolve("epoch"));
    flip(epoch.resolve(shared.key()), 13, 2);
    String digest = DigestingStream.sha256Hex(Files.readAllBytes(epoch.resolve(shared.key())));
    assertThat(verify(epoch, 2).problems())
        .containsExactly(
            onShared(
                Kind.DIGEST_MISMATCH,
                shared.key(),
                "SHA-256 is "
                    + digest
                    + ", snapshots "
                    + String.join(", ", new java.util.TreeSet<>(List.of(first.id(), second.id())))
                    + " say "
                    + shared.sha256()));
    // a flip anywhere is found and named
    for (long position : List.of(shared.size() / 3, shared.size() / 2, firstBatch.size() + 5L)) {
      List<Problem> found = damagedSegment(dir, "at-" + position, position, 4);
      assertThat(found)
          .as("flip at %d", position)
          .isNotEmpty()
          .allSatisfy(
              p -> {
                assertThat(p.object()).isIn(shared.key(), shared.indexKey());
                assertThat(p.topicPartition()).isEqualTo(ORDERS + "-0");
                assertThat(p.firstOffset()).isBetween(shared.firstOffset(), shared.lastOffset());
                assertThat(p.lastOffset()).isBetween(shared.firstOffset(), shared.lastOffset());
              });
    }
  }

  List<Problem> damagedSegment(Path dir, String name, long position, int bit) throws Exception {
    Path repo = copy(dir.resolve(name));
    flip(repo.resolve(shared.key()), position, bit);
    assertThat(verify(repo, 1).problems()).isEmpty();
    return verify(repo, 2).problems();
  }

  @Test
  void level2NamesTheBatchWhereATruncatedSegmentEnds(@TempDir Path dir) throws Exception {
    Path repo = copy(dir);
    List<SegmentIndex.Entry> entries = entries(shared);
    SegmentIndex.Entry lastBatch = entries.get(entries.size() - 1);
    truncate(repo.resolve(shared.key()), shared.size() - 10);

    assertThat(verify(repo, 2).problems())
        .containsExactly(
            onShared(
                Kind.SIZE_MISMATCH,
                shared.key(),
                "size is " + (shared.size() - 10) + " bytes, the manifest says " + shared.size()),
            onBatch(
                Kind.CORRUPT, lastBatch, "at byte " + lastBatch.position() + ": truncated batch"));
  }

  @Test
  void level2FindsEveryFlippedBitAndTruncationOfAnIndex(@TempDir Path dir) throws Exception {
    for (long position : List.of(0L, 9L, 12L + 3, 12L + 40 + 30, shared.indexSize() - 1)) {
      Path repo = copy(dir.resolve("at-" + position));
      flip(repo.resolve(shared.indexKey()), position, 1);
      assertThat(verify(repo, 2).problems())
          .as("flip at %d", position)
          .containsExactly(onShared(Kind.CORRUPT, shared.indexKey(), "index CRC32C mismatch"));
    }
    Path repo = copy(dir.resolve("truncated"));
    truncate(repo.resolve(shared.indexKey()), shared.indexSize() - 3);
    assertThat(verify(repo, 2).problems())
        .containsExactly(
            onShared(
                Kind.SIZE_MISMATCH,
                shared.indexKey(),
                "size is "
                    + (shared.indexSize() - 3)
                    + " bytes, the manifest says "
                    + shared.indexSize()),
            onShared(
                Kind.CORRUPT,
                shared.indexKey(),
                "index has an impossible size " + (shared.indexSize() - 3)));
  }

  /** Every position of a small document, or a spread of positions of a larger one, and its ends. */
  static List<Integer> positions(int length) {
    SplittableRandom random = new SplittableRandom(length);
    List<Integer> positions = new java.util.ArrayList<>(List.of(0, length - 1));
    for (int i = 0; i < 10; i++) {
      positions.add(random.nextInt(length));
    }
    return positions;
  }

  /** The problem of a document whose bytes no longer match its digest object. */
  static Problem digestProblem(Path repo, String key) throws Exception {
    String recorded = Files.readString(origin.resolve(key + ".sha256")).substring(0, 64);
    String actual = DigestingStream.sha256Hex(Files.readAllBytes(repo.resolve(key)));
    return Problem.of(
        Kind.CORRUPT, key, "SHA-256 is " + actual + ", " + key + ".sha256 says " + recorded);
  }

  /** Flips bits at many positions of a document and cuts it short: each damage is found. */
  static void everyDamageIsFound(Path dir, String key, List<Integer> cuts) throws Exception {
    for (int position : positions((int) Files.size(origin.resolve(key)))) {
      Path repo = copy(dir.resolve("at-" + position));
      flip(repo.resolve(key), position, position % 8);
      assertThat(verify(repo, 2).problems())
          .as("flip at %d", position)
          .containsExactly(digestProblem(repo, key));
    }
    for (int size : cuts) {
      Path repo = copy(dir.resolve("cut-" + size));
      truncate(repo.resolve(key), size);
      assertThat(verify(repo, 1).problems())
          .as("cut to %d", size)
          .containsExactly(digestProblem(repo, key));
    }
  }

  @Test
  void level2FindsEveryFlippedBitAndTruncationOfAManifest(@TempDir Path dir) throws Exception {
    String key = manifestKey(second);
    int length = (int) Files.size(origin.resolve(key));
    everyDamageIsFound(dir, key, List.of(0, 1, length / 2, length - 1));
    Path repo = copy(dir.resolve("digest"));
    flip(repo.resolve(key + ".sha256"), 5, 0);
    assertThat(verify(repo, 1).problems())
        .extracting(Problem::kind, Problem::object)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.CORRUPT, key));
  }

  @Test
  void aManifestWithoutADigestIsCheckedAgainstTheObjectsItLists(@TempDir Path dir)
      throws Exception {
    String key = manifestKey(second);
    String text = Files.readString(origin.resolve(key));

    // structure: the document no longer parses
    Path brace = older(dir.resolve("brace"), key);
    flip(brace.resolve(key), 0, 0);
    assertThat(verify(brace, 1).problems())
        .containsExactly(Problem.of(Kind.CORRUPT, key, "not a valid SnapshotManifest document"));

    // the id differs from the key
    Path id = older(dir.resolve("id"), key);
    flip(id.resolve(key), text.indexOf(second.id()) + 3, 0);
    assertThat(verify(id, 1).problems())
        .extracting(Problem::object, Problem::kind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(key, Kind.CORRUPT));

    // a digest of a segment: the segment no longer matches what this manifest says
    Path sha = older(dir.resolve("sha"), key);
    int at = text.indexOf(shared.sha256());
    int digit = at;
    while (!Character.isDigit(text.charAt(digit))) {
      digit++;
    }
    flip(sha.resolve(key), digit, 0);
    assertThat(verify(sha, 2).problems())
        .containsExactly(
            onShared(
                Kind.DIGEST_MISMATCH,
                shared.key(),
                "SHA-256 is "
                    + shared.sha256()
                    + ", snapshot "
                    + second.id()
                    + " says "
                    + Files.readString(sha.resolve(key)).substring(at, at + 64)));

    // a partition's record count
    var orders0 = SnapshotRecords.partition(second, ORDERS, 0);
    Path count = older(dir.resolve("count"), key);
    int topic = text.indexOf("\"name\" : \"" + ORDERS + "\"");
    int partition = text.indexOf("\"recordCount\" : " + orders0.recordCount(), topic);
    int lastDigit = partition + ("\"recordCount\" : " + orders0.recordCount()).length() - 1;
    flip(count.resolve(key), lastDigit, 0);
    long flipped = orders0.recordCount() ^ 1;
    assertThat(verify(count, 2).problems())
        .isNotEmpty()
        .allSatisfy(
            p -> {
              assertThat(p)
                  .extracting(Problem::kind, Problem::object, Problem::topicPartition)
                  .containsExactly(Kind.INCONSISTENT, key, ORDERS + "-0");
              assertThat(p.detail()).contains(Long.toString(flipped));
            });
  }

  @Test
  void everyFlippedByteOfTheNameInADigestObjectIsFound(@TempDir Path dir) throws Exception {
    for (String key : List.of(manifestKey(second), Repository.CONFIG_KEY)) {
      String name = key.substring(key.lastIndexOf('/') + 1);
      String digest = key + ".sha256";
      assertThat(Files.readString(origin.resolve(digest))).endsWith("  " + name + "\n");
      for (int i = 0; i < name.length(); i++) {
        int position = 64 + 2 + i;
        Path repo = copy(dir.resolve(name + "-at-" + position));
        flip(repo.resolve(digest), position, position % 8);
        String actual = DigestingStream.sha256Hex(Files.readAllBytes(repo.resolve(key)));
        // a bit that turns a character into white space breaks the line's shape instead
        char flipped = (char) (Files.readAllBytes(repo.resolve(digest))[position] & 0xff);
        String expected =
            " \t\n\u000B\f\r".indexOf(flipped) >= 0
                ? "SHA-256 is " + actual + ", " + digest + " is not a SHA-256 line"
                : digest + " names another file, not " + name + ": the digest object is damaged";
        assertThat(verify(repo, 1).problems())
            .as("%s flipped at %d", digest, position)
            .containsExactly(Problem.of(Kind.CORRUPT, key, expected));
      }
    }
  }

  /** A copy whose document has no digest object, as in repositories written before digests. */
  static Path older(Path dir, String key) throws Exception {
    Path repo = copy(dir);
    Files.delete(repo.resolve(key + ".sha256"));
    return repo;
  }

  @Test
  void level2FindsEveryFlippedBitAndTruncationOfTheConfig(@TempDir Path dir) throws Exception {
    int length = (int) Files.size(origin.resolve(Repository.CONFIG_KEY));
    everyDamageIsFound(dir, Repository.CONFIG_KEY, List.of(0, length / 2, length - 1));
  }

  @Test
  void aConfigWithoutADigestIsCheckedForSense(@TempDir Path dir) throws Exception {
    String config = Files.readString(origin.resolve(Repository.CONFIG_KEY));
    Path brace = older(dir.resolve("brace"), Repository.CONFIG_KEY);
    flip(brace.resolve(Repository.CONFIG_KEY), 0, 0);
    assertThat(verify(brace, 2).problems())
        .containsExactly(
            Problem.of(Kind.CORRUPT, "config.json", "not a valid RepositoryConfig document"));

    Path version = older(dir.resolve("version"), Repository.CONFIG_KEY);
    flip(version.resolve(Repository.CONFIG_KEY), config.indexOf("\"version\" : 1") + 12, 0);
    assertThat(verify(version, 2).problems())
        .containsExactly(
            Problem.of(
                Kind.CORRUPT,
                "config.json",
                "of " + version.toAbsolutePath() + " has no valid format version"));

    Path id = older(dir.resolve("id"), Repository.CONFIG_KEY);
    flip(id.resolve(Repository.CONFIG_KEY), config.indexOf("-", config.indexOf("\"id\"")), 0);
    assertThat(verify(id, 2).problems())
        .containsExactly(Problem.of(Kind.CORRUPT, "config.json", "has no valid id"));

    Path cut = older(dir.resolve("cut"), Repository.CONFIG_KEY);
    truncate(cut.resolve(Repository.CONFIG_KEY), config.length() - 2);
    assertThat(verify(cut, 1).problems())
        .containsExactly(
            Problem.of(Kind.CORRUPT, "config.json", "not a valid RepositoryConfig document"));
  }

  @Test
  void holdsASharedLockSoOnlyAnExclusiveHolderStopsIt(@TempDir Path dir) throws Exception {
    Path repo = copy(dir);
    FileSystemStorage storage = new FileSystemStorage(repo);
    try (RepositoryLock shared = RepositoryLock.acquire(storage, LockKind.SHARED, "backup")) {
      assertThat(verify(repo, 1).problems()).isEmpty();
    }
    try (RepositoryLock exclusive = RepositoryLock.acquire(storage, LockKind.EXCLUSIVE, "prune")) {
      assertThatThrownBy(() -> verify(repo, 1))
          .isInstanceOfSatisfying(
              KbackupException.class, e -> assertThat(e.exitCode()).isEqualTo(11))
          .hasMessageContaining("is locked by `prune`");
    }
    assertThat(storage.list(RepositoryLock.PREFIX)).isEmpty();
  }

  @Test
  void aPercentageReadsTheLeastRecentlyVerifiedDataFirst(@TempDir Path dir) throws Exception {
    Path repo = copy(dir);
    Instant t = Instant.parse("2026-11-26T10:00:00Z");
    VerifyReport all = verify(copy(dir.resolve("all")), 1);
    int segments = all.segments();

    VerifyReport one = subset(repo, "50%", t);
    VerifyReport two = subset(repo, "50%", t.plusSeconds(60));
    assertThat(one.objectsRead()).hasSize((segments + 1) / 2);
    assertThat(two.objectsRead()).hasSize((segments + 1) / 2);
    Set<String> both = new HashSet<>(one.objectsRead());
    both.addAll(two.objectsRead());
    assertThat(both).hasSize(segments);
    if (segments % 2 == 0) {
      assertThat(two.objectsRead()).doesNotContainAnyElementsOf(one.objectsRead());
    }
    String state = Files.readString(repo.resolve(VerifyState.KEY));
    assertThat(state).contains(t.toString()).contains(t.plusSeconds(60).toString());
  }

  @Test
  void slicesReadPartOfTheDataButLevel1StillCoversEverything(@TempDir Path dir) throws Exception {
    Path repo = copy(dir);
    VerifyReport a = subset(repo, "1/2", Instant.now());
    VerifyReport b = subset(repo, "2/2", Instant.now());
    assertThat(a.problems()).isEmpty();
    assertThat(a.objectsRead()).doesNotContainAnyElementsOf(b.objectsRead());
    assertThat(a.objectsRead().size() + b.objectsRead().size()).isEqualTo(a.segments());

    String outside = b.objectsRead().get(0);
    Files.delete(repo.resolve(outside));
    assertThat(subset(repo, "1/2", Instant.now()).problems())
        .extracting(Problem::kind, Problem::object)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.MISSING, outside));
  }

  static VerifyReport subset(Path repo, String subset, Instant at) throws Exception {
    return new Verifier(new FileSystemStorage(repo), Clock.fixed(at, ZoneOffset.UTC))
        .run(new VerifyOptions(null, 2, DataSubset.parse(subset)));
  }

  @Test
  void aRestoreFromACorruptSegmentFailsWithTheIntegrityErrorAndWritesNothingWrong(@TempDir Path dir)
      throws Exception {
    Path repo = copy(dir);
    flip(repo.resolve(shared.key()), 40, 3);
    String target = PREFIX + "corrupt-restore";
    assertThatThrownBy(
            () ->
                new Restore(
                        Repository.open(new FileSystemStorage(repo)),
                        KafkaConnection.of(kafka.bootstrapServers()),
                        RestoreOptions.builder()
                            .topics(TopicSelector.of(ORDERS, null))
                            .topicMap(TopicMap.parse(ORDERS + "=" + target))
                            .build())
                    .run())
        .isInstanceOfSatisfying(
            CorruptDataException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(13);
              assertThat(e.getMessage()).isEqualTo(shared.key() + " at byte 0: CRC32C mismatch");
            });
    assertThat(TopicContents.read(kafka.bootstrapServers(), target))
        .noneMatch(r -> r.partition() == 0);
  }
}

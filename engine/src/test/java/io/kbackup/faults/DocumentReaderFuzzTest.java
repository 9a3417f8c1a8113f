package io.kbackup.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.backup.BackupProgress;
import io.kbackup.drill.DrillLog;
import io.kbackup.drill.DrillResult;
import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.repository.Json;
import io.kbackup.repository.Repository;
import io.kbackup.repository.crypto.KeySlots;
import io.kbackup.repository.lock.LockInfo;
import io.kbackup.repository.lock.RepositoryLock;
import io.kbackup.restore.RestoreState;
import io.kbackup.segment.Mutator;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.storage.ObjectKeys;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Feeds damaged and forged documents of every kind but the manifest (which {@code
 * ManifestReaderFuzzTest} covers) to the code that reads them, and uses what it read as commands
 * do: whatever the damage, a read either works or ends in the typed integrity error (exit 13) whose
 * one line names the document and holds no control character; key slots may also end in a wrong
 * passphrase (exit 12), and a config in a refusal of a newer format (exit 1) or of another format
 * name (exit 10). Repeat a run with {@code -Dkbackup.documentSeed=SEED}.
 */
class DocumentReaderFuzzTest {

  static final long SEED = Long.getLong("kbackup.documentSeed", 20261204L);
  static final String NOW = "2026-12-04T09:00:00Z";
  static final String REPOSITORY_ID = "7c1c1f62-3d2a-4f57-9f0e-6a1b2c3d4e5f";

  /** Values a forger may put in any field. */
  static final List<String> HOSTILE =
      List.of(
          "null",
          "-1",
          "0",
          "2147483648",
          "9223372036854775807",
          "-9223372036854775808",
          "9223372036854775808",
          "1e400",
          "-0.5",
          "true",
          "[]",
          "{}",
          "[null]",
          "\"\"",
          "\"x\"",
          "\"../../../../tmp/x\"",
          "\"data/../../../../tmp/x.seg\"",
          "\"/etc/passwd\"",
          "\"data\\\\x.seg\"",
          "\"\\u0000\\n\\u001b[2J\"",
          "\"2026-13-45T99:99:99Z\"",
          "\"" + "x".repeat(100_000) + "\"",
          "[" + "[".repeat(5_000) + "]".repeat(5_000) + "]");

  private static final Pattern FIELD =
      Pattern.compile("\"\\w+\" : (\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9.eE]+|null|true|false|\\[ \\])");

  @TempDir Path dir;

  /** One kind of document: where it lives, a sound one, and what commands do with it. */
  record Kind(
      String name,
      String key,
      int maxBytes,
      int rounds,
      boolean digest,
      Setup setup,
      Set<Integer> alsoAllowed) {

    @Override
    public String toString() {
      return name;
    }
  }

  interface Setup {
    byte[] sound(FileSystemStorage storage) throws Exception;
  }

  static Stream<Kind> kinds() {
    return Stream.of(
        new Kind(
            "config",
            Repository.CONFIG_KEY,
            64 << 10,
            400,
            true,
            storage -> {
              Repository.init(storage, SegmentSettings.defaults());
              return storage.readAll(Repository.CONFIG_KEY);
            },
            Set.of(ExitCode.FAILED, ExitCode.REPOSITORY_MISSING)),
        new Kind(
            "lock",
            RepositoryLock.PREFIX + "b1946ac9-2f3e-4c4b-9c3a-1f2e3d4c5b6a.json",
            64 << 10,
            600,
            false,
            storage ->
                Json.write(
                    new LockInfo(
                        "b1946ac9-2f3e-4c4b-9c3a-1f2e3d4c5b6a",
                        "shared",
                        "backup-host",
                        4242,
                        "backup",
                        NOW,
                        NOW)),
            Set.of()),
        new Kind(
            "progress",
            BackupProgress.key("0f8e2c4a-77aa-4b1e-9d2c-3e4f5a6b7c8d"),
            Repository.MAX_MANIFEST_BYTES,
            600,
            false,
            storage ->
                Json.write(
                    new BackupProgress.Document(
                        "0f8e2c4a-77aa-4b1e-9d2c-3e4f5a6b7c8d",
                        "b1946ac9-2f3e-4c4b-9c3a-1f2e3d4c5b6a",
                        "cluster-a",
                        NOW,
                        List.of(
                            new BackupProgress.Partition(
                                "orders",
                                "Yx3kQm2hT0u8b9cA1d2E3f",
                                0,
                                0,
                                List.of(segment(0, 99), segment(100, 199)))))),
            Set.of()),
        new Kind(
            "restore state",
            Repository.RESTORES_PREFIX + "20261204-090000-a1b2c3-0a1b2c3d4e5f.json",
            Repository.MAX_MANIFEST_BYTES,
            600,
            false,
            storage ->
                Json.write(
                    new RestoreState(
                        "20261204-090000-a1b2c3-0a1b2c3d4e5f",
                        "20261204-090000-a1b2c3",
                        "cluster-b",
                        null,
                        RestoreState.RUNNING,
                        NOW,
                        null,
                        List.of(
                            new RestoreState.Partition("orders", "orders", 0, 0, 200, List.of()),
                            new RestoreState.Partition("orders", "orders", 1, 17, 0, List.of())),
                        List.of("orders"))),
            Set.of()),
        new Kind(
            "drill result",
            DrillLog.PREFIX + "20261204090000-20261204-090000-a1b2c3.json",
            1 << 20,
            600,
            false,
            storage ->
                Json.write(
                    new DrillResult(
                        "20261204-090000-a1b2c3",
                        NOW,
                        "cluster-b",
                        "kbackup-drill-",
                        1,
                        2,
                        200,
                        4096,
                        1.5,
                        0.5,
                        List.of())),
            Set.of()),
        new Kind(
            "key slot",
            null, // named by the slot's id, known once it is created
            64 << 10,
            // a slot that stays usable costs an Argon2 derivation of 46 MiB
            60,
            false,
            storage -> {
              KeySlots.create(storage, "correct horse battery staple", REPOSITORY_ID);
              String key = storage.list(KeySlots.PREFIX).get(0).key();
              return storage.readAll(key);
            },
            Set.of(ExitCode.WRONG_KEY)));
  }

  static SegmentInfo segment(long first, long last) {
    String base = "data/orders/0/" + String.format("%020d", first);
    return new SegmentInfo(
        base + ".seg",
        4096,
        "a".repeat(64),
        base + ".idx",
        96,
        "b".repeat(64),
        first,
        last,
        last - first + 1,
        1_700_000_000_000L,
        8192);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void onlyTypedErrorsNamingTheDocumentEscapeItsReader(Kind kind) throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    byte[] sound = kind.setup().sound(storage);
    String key = kind.key() != null ? kind.key() : storage.list(KeySlots.PREFIX).get(0).key();
    System.out.println("DocumentReaderFuzzTest " + kind + ": -Dkbackup.documentSeed=" + SEED);
    store(kind, key, sound);
    use(storage, kind, key); // a sound document reads

    String text = new String(sound, StandardCharsets.UTF_8);
    List<MatchResult> fields = FIELD.matcher(text).results().toList();
    assertThat(fields).hasSizeGreaterThan(4);
    SplittableRandom random = new SplittableRandom(SEED + kind.name().hashCode());
    Mutator mutator = new Mutator(SEED + kind.name().hashCode());
    int refused = 0;
    for (int round = 0; round < kind.rounds(); round++) {
      byte[] forged;
      if (round % 2 == 0) {
        forged = mutator.mutate(sound, true);
      } else {
        MatchResult f = fields.get(random.nextInt(fields.size()));
        String value = HOSTILE.get(random.nextInt(HOSTILE.size()));
        forged =
            (text.substring(0, f.start(1)) + value + text.substring(f.end(1)))
                .getBytes(StandardCharsets.UTF_8);
      }
      store(kind, key, forged);
      refused += survives(kind, key, "round " + round, () -> use(storage, kind, key));
    }
    assertThat(refused).isGreaterThan(kind.rounds() / 4);

    // a document one byte above its bound is refused by its size, before it is read (a sparse
    // file: the bound of a progress document is 256 MiB)
    store(kind, key, new byte[0]);
    try (RandomAccessFile file = new RandomAccessFile(dir.resolve(key).toFile(), "rw")) {
      file.setLength(kind.maxBytes() + 1L);
    }
    assertThat(survives(kind, key, "a document above its bound", () -> use(storage, kind, key)))
        .isOne();
  }

  /** Reads the document as the commands do, and uses every field they use. */
  private static void use(FileSystemStorage storage, Kind kind, String key) throws Exception {
    switch (kind.name()) {
      case "config" -> Repository.open(storage).config().segmentSettings();
      case "lock" -> {
        for (LockInfo l : RepositoryLock.list(storage)) {
          l.isStale(Instant.parse(NOW), RepositoryLock.STALE_AFTER, "this-host");
          ObjectKeys.check(RepositoryLock.PREFIX + l.id() + ".json");
          assertPrintable(l.describe());
        }
      }
      case "progress" -> {
        for (BackupProgress.Document d : BackupProgress.leftBehind(storage, Set.of())) {
          ObjectKeys.check(BackupProgress.key(d.runId()));
          for (BackupProgress.Partition p : d.partitions()) {
            new TopicPartition(p.topic(), p.partition());
            p.topicId().equals("x");
            for (SegmentInfo s : p.segments()) {
              storage.stat(s.key());
              storage.stat(s.indexKey());
            }
          }
        }
      }
      case "restore state" -> {
        String id = "20261204-090000-a1b2c3-0a1b2c3d4e5f";
        List<TopicPartition> targets =
            List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1));
        RestoreState state = RestoreState.read(storage, key, id, "20261204-090000-a1b2c3", targets);
        for (TopicPartition tp : targets) {
          state.partition(tp).targetStartOffset();
        }
        ObjectKeys.check(Repository.RESTORES_PREFIX + state.id() + ".json");
        state.createdTopics().forEach(t -> new TopicPartition(t, 0));
      }
      case "drill result" -> {
        DrillResult r = DrillLog.read(storage, key);
        Instant.parse(r.startedAt());
        r.mibPerSecond();
        DrillLog.latestBySnapshot(storage);
      }
      case "key slot" -> KeySlots.open(storage, "correct horse battery staple", REPOSITORY_ID);
      default -> throw new IllegalArgumentException(kind.name());
    }
  }

  /**
   * The document, with its digest recomputed when it has one, as a forger would; written past the
   * storage, which would force every round to disk.
   */
  private void store(Kind kind, String key, byte[] bytes) throws Exception {
    Path file = dir.resolve(key);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    if (kind.digest()) {
      String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      Files.writeString(
          dir.resolve(key + ".sha256"),
          hex + "  " + key.substring(key.lastIndexOf('/') + 1) + "\n");
    }
  }

  private static int survives(Kind kind, String key, String round, Mutator.Read read) {
    return Mutator.survives(
        round + " of " + kind + " with -Dkbackup.documentSeed=" + SEED,
        read,
        t ->
            t instanceof KbackupException k
                && printable(k.getMessage())
                && (k.exitCode() == ExitCode.INTEGRITY && k.getMessage().contains(key)
                    || kind.alsoAllowed().contains(k.exitCode())));
  }

  private static void assertPrintable(String line) {
    assertThat(printable(line)).as(line).isTrue();
  }

  /** One line without control characters: nothing stored reaches the terminal as it is. */
  private static boolean printable(String message) {
    return message != null && message.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
  }
}

package io.kbackup.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.segment.Mutator;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds many thousands of damaged manifests and configs to the repository: whatever the damage,
 * reading, listing and summing a snapshot either works or fails with the typed corruption error.
 * The only other outcome allowed is a typed refusal of a document that now claims a newer format,
 * other features or another codec (exit 1), or another format name (exit 10).
 */
class ManifestReaderFuzzTest {

  static final long SEED = 20261127L;
  static final int ROUNDS = 10_000;
  static final String ID = "20261127-020000-9bc866";

  @TempDir Path dir;

  @Test
  void onlyTypedErrorsEscapeTheManifestReader() throws Exception {
    byte[] manifest = fuzzManifest();
    FileSystemStorage storage = new FileSystemStorage(dir);
    Repository repo = Repository.init(storage, SegmentSettings.defaults());
    Path file = dir.resolve(Repository.SNAPSHOTS_PREFIX + ID + ".json");
    Files.createDirectories(file.getParent());
    Files.write(file, manifest);
    String older = "20261126-075013-cad39d";
    Files.writeString(
        dir.resolve(Repository.SNAPSHOTS_PREFIX + older + ".json"),
        new String(manifest, java.nio.charset.StandardCharsets.UTF_8).replace(ID, older));
    assertThat(repo.snapshot(ID).recordCount()).isEqualTo(1400);
    assertThat(repo.snapshots()).hasSize(2);

    Mutator mutator = new Mutator(SEED);
    int corrupt = 0;
    for (int round = 0; round < ROUNDS; round++) {
      Files.write(file, mutator.mutate(manifest, true));
      corrupt += survives(round, () -> readEverything(repo));
    }
    assertThat(corrupt).isGreaterThan(ROUNDS / 2);
  }

  /** Values a forger may put in any field of a manifest. */
  static final List<String> HOSTILE =
      List.of(
          "null",
          "-1",
          "0",
          "9223372036854775807",
          "-9223372036854775808",
          "9223372036854775808",
          "1e400",
          "true",
          "[]",
          "{}",
          "[null]",
          "\"\"",
          "\"x\"",
          "\"data/../../../../tmp/x.seg\"",
          "\"/etc/passwd\"",
          "\"data\\\\x.seg\"",
          "\"data//x.seg\"",
          "\"\\u0000\\u001b[2J\"",
          "\"2026-13-45T99:99:99Z\"",
          "\"" + "x".repeat(10_000) + "\"");

  private static final Pattern FIELD =
      Pattern.compile("\"\\w+\" : (\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9]+|null|true|false)");

  /**
   * A forger rewrites the digest object too: byte damages and hostile values in any field, each
   * with its digest recomputed, reach every check behind the digest, and only typed errors escape.
   */
  @Test
  void onlyTypedErrorsEscapeAManifestWithAMatchingDigest() throws Exception {
    byte[] manifest = fuzzManifest();
    FileSystemStorage storage = new FileSystemStorage(dir);
    Repository repo = Repository.init(storage, SegmentSettings.defaults());
    String key = Repository.SNAPSHOTS_PREFIX + ID + ".json";
    String text = new String(manifest, StandardCharsets.UTF_8);
    List<MatchResult> fields = FIELD.matcher(text).results().toList();
    assertThat(fields).hasSizeGreaterThan(50);

    SplittableRandom random = new SplittableRandom(SEED + 2);
    Mutator mutator = new Mutator(SEED + 2);
    int rounds = 1_500;
    int refused = 0;
    for (int round = 0; round < rounds; round++) {
      byte[] forged;
      if (round % 2 == 0) {
        forged = mutator.mutate(manifest, true);
      } else {
        MatchResult f = fields.get(random.nextInt(fields.size()));
        String value = HOSTILE.get(random.nextInt(HOSTILE.size()));
        forged =
            (text.substring(0, f.start(1)) + value + text.substring(f.end(1)))
                .getBytes(StandardCharsets.UTF_8);
      }
      storage.put(key, forged);
      storage.put(key + DocumentDigest.SUFFIX, DocumentDigest.line(key, forged));
      refused += survives(round, () -> readEverything(repo));
    }
    // most damage is refused, and some reads on: a forged clusterId is still a snapshot
    assertThat(refused).isGreaterThan(rounds / 2).isLessThan(rounds);
  }

  @Test
  void onlyTypedErrorsEscapeTheConfigReader() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    Repository.init(storage, SegmentSettings.defaults());
    Path file = dir.resolve(Repository.CONFIG_KEY);
    byte[] config = Files.readAllBytes(file);
    // without its digest, every damage reaches the parser
    Files.delete(dir.resolve(Repository.CONFIG_KEY + DocumentDigest.SUFFIX));
    Mutator mutator = new Mutator(SEED + 1);
    int refused = 0;
    for (int round = 0; round < ROUNDS; round++) {
      Files.write(file, mutator.mutate(config, true));
      refused += survives(round, () -> Repository.open(storage).config().segmentSettings());
    }
    assertThat(refused).isGreaterThan(ROUNDS / 2);
  }

  private byte[] fuzzManifest() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/fuzz/manifest.json")) {
      return in.readAllBytes();
    }
  }

  /** What commands read of a snapshot and the list of snapshots. */
  private static void readEverything(Repository repo) throws IOException {
    SnapshotManifest m = repo.snapshot(ID);
    m.recordCount();
    m.storedBytes();
    m.partitionCount();
    repo.snapshots();
    repo.latestSnapshot();
  }

  static int survives(int round, Mutator.Read read) {
    return Mutator.survives(
        "round " + round + " of seed " + SEED,
        read,
        t ->
            t instanceof CorruptDataException
                || t instanceof KbackupException k
                    && (k.exitCode() == ExitCode.FAILED
                        || k.exitCode() == ExitCode.REPOSITORY_MISSING));
  }
}

package io.kbackup.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.segment.Mutator;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
    byte[] manifest;
    try (InputStream in = getClass().getResourceAsStream("/fuzz/manifest.json")) {
      manifest = in.readAllBytes();
    }
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
      corrupt +=
          survives(
              round,
              () -> {
                SnapshotManifest m = repo.snapshot(ID);
                m.recordCount();
                m.storedBytes();
                m.partitionCount();
                repo.snapshots();
                repo.latestSnapshot();
              });
    }
    assertThat(corrupt).isGreaterThan(ROUNDS / 2);
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

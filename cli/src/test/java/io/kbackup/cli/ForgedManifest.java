package io.kbackup.cli;

import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.storage.FileSystemStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.UnaryOperator;

/** Edits a snapshot manifest of a plain repository on disk as a forger would: digest and all. */
final class ForgedManifest {

  private ForgedManifest() {}

  static SnapshotManifest latest(Path repo) throws Exception {
    return Repository.open(new FileSystemStorage(repo)).latestSnapshot().orElseThrow();
  }

  /** Rewrites the manifest's text and its digest object to match. */
  static void edit(Path repo, String snapshotId, UnaryOperator<String> edit) throws Exception {
    String name = snapshotId + ".json";
    Path manifest = repo.resolve("snapshots").resolve(name);
    String before = Files.readString(manifest);
    String after = edit.apply(before);
    if (after.equals(before)) {
      throw new IllegalArgumentException("the edit changed nothing");
    }
    byte[] bytes = after.getBytes(StandardCharsets.UTF_8);
    Files.write(manifest, bytes);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    Files.writeString(
        repo.resolve("snapshots").resolve(name + ".sha256"), sha256 + "  " + name + "\n");
  }
}

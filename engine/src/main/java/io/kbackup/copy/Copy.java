package io.kbackup.copy;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.repository.IncludedFile;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import io.kbackup.repository.lock.LockKind;
import io.kbackup.repository.lock.RepositoryLock;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies snapshots into another repository, on any storage and with its own encryption, sending
 * only the objects the destination lacks. Every object is checked against the digest the manifest
 * records twice: as it is read from the source, and read back from the destination. A snapshot is
 * committed in the destination only after all its objects are there and sound.
 */
public final class Copy {

  /** An object a snapshot needs, with what its manifest says of it. */
  private record Needed(String key, long size, String sha256) {}

  /** What copying one snapshot did. */
  public record Copied(
      String snapshotId, boolean alreadyThere, int sent, long bytes, int present) {}

  private final Repository source;
  private final Repository destination;

  public Copy(Repository source, Repository destination) {
    this.source = source;
    this.destination = destination;
  }

  /**
   * @param snapshotId a snapshot id, {@code latest}, or null for every snapshot
   */
  public List<Copied> run(String snapshotId) throws IOException {
    if (source.config().features().contains("lz4")
        && !destination.config().features().contains("lz4")) {
      throw KbackupException.usage(
          "the source may hold LZ4 batches, which the destination does not announce",
          "create the destination with `kbackup init --compression lz4`");
    }
    try (RepositoryLock from = RepositoryLock.acquire(source.storage(), LockKind.SHARED, "copy");
        RepositoryLock to =
            RepositoryLock.acquire(destination.storage(), LockKind.SHARED, "copy")) {
      List<SnapshotManifest> snapshots =
          snapshotId == null ? source.snapshots() : List.of(source.snapshot(snapshotId));
      List<String> present = destination.snapshots().stream().map(SnapshotManifest::id).toList();
      List<Copied> result = new ArrayList<>();
      for (SnapshotManifest s : snapshots) {
        if (present.contains(s.id())) {
          result.add(new Copied(s.id(), true, 0, 0, 0));
          continue;
        }
        result.add(copy(s));
        to.ensureHeld();
        destination.commit(s);
      }
      return result;
    }
  }

  private Copied copy(SnapshotManifest s) throws IOException {
    Map<String, Needed> objects = new LinkedHashMap<>();
    for (TopicSnapshot t : s.topics()) {
      for (PartitionSnapshot p : t.partitions()) {
        for (SegmentInfo seg : p.segments()) {
          objects.put(seg.key(), new Needed(seg.key(), seg.size(), seg.sha256()));
          objects.put(
              seg.indexKey(), new Needed(seg.indexKey(), seg.indexSize(), seg.indexSha256()));
        }
      }
    }
    for (IncludedFile f : s.files()) {
      objects.put(f.key(), new Needed(f.key(), f.size(), f.sha256()));
    }
    int sent = 0;
    int present = 0;
    long bytes = 0;
    Storage to = destination.storage();
    for (Needed o : objects.values()) {
      if (to.stat(o.key()).map(i -> i.size() == o.size()).orElse(false)) {
        present++;
        continue;
      }
      transfer(o);
      sent++;
      bytes += o.size();
    }
    return new Copied(s.id(), false, sent, bytes, present);
  }

  private void transfer(Needed o) throws IOException {
    String key = o.key();
    long size = o.size();
    String sha256 = o.sha256();
    Storage to = destination.storage();
    Path file = Files.createTempFile(to.scratchDirectory(), "copy-", ".tmp");
    try {
      String read;
      try (InputStream in = source.storage().get(key);
          OutputStream out = Files.newOutputStream(file)) {
        read = digestOf(in, out);
      }
      if (!read.equals(sha256) || Files.size(file) != size) {
        throw new CorruptDataException(
            key + " in the source: SHA-256 is " + read + ", the snapshot says " + sha256);
      }
      to.put(key, file);
    } finally {
      Files.deleteIfExists(file);
    }
    try (InputStream back = to.get(key)) {
      String written = digestOf(back, OutputStream.nullOutputStream());
      if (!written.equals(sha256)) {
        throw new KbackupException(
            ExitCode.FAILED,
            key + " reads back from the destination with SHA-256 " + written + ", not " + sha256,
            "check the destination storage; nothing was committed there");
      }
    }
  }

  private static String digestOf(InputStream in, OutputStream out) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (DigestInputStream d = new DigestInputStream(in, digest)) {
      d.transferTo(out);
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}

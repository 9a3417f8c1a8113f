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
import io.kbackup.storage.ObjectInfo;
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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Copies snapshots into another repository, on any storage and with its own encryption, sending
 * only the objects the destination lacks. Every object is checked against the digest the manifest
 * records twice: as it is read from the source, and read back from the destination. A snapshot is
 * committed in the destination only after all its objects are there and sound. The source may be
 * forged: only keys the format gives data are written, never over an existing object (a
 * put-if-absent, so also not over one another writer puts meanwhile), and a snapshot is committed
 * only under the id its manifest was read by.
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
      List<SnapshotManifest> snapshots = SourceSnapshots.select(source, snapshotId);
      List<SnapshotManifest> there = destination.snapshots();
      List<String> present = there.stream().map(SnapshotManifest::id).toList();
      Map<String, String> known = listedObjects(there);
      List<Copied> result = new ArrayList<>();
      for (SnapshotManifest s : snapshots) {
        if (present.contains(s.id())) {
          result.add(new Copied(s.id(), true, 0, 0, 0));
          continue;
        }
        result.add(copy(s, known));
        to.ensureHeld();
        destination.commit(s);
      }
      return result;
    }
  }

  /** Key to SHA-256 of every object the destination's snapshots list, checked when copied. */
  private static Map<String, String> listedObjects(List<SnapshotManifest> snapshots) {
    Map<String, String> listed = new HashMap<>();
    for (SnapshotManifest s : snapshots) {
      for (TopicSnapshot t : s.topics()) {
        for (PartitionSnapshot p : t.partitions()) {
          for (SegmentInfo seg : p.segments()) {
            listed.put(seg.key(), seg.sha256());
            listed.put(seg.indexKey(), seg.indexSha256());
          }
        }
      }
      for (IncludedFile f : s.files()) {
        listed.put(f.key(), f.sha256());
      }
    }
    return listed;
  }

  private Copied copy(SnapshotManifest s, Map<String, String> known) throws IOException {
    Map<String, Needed> objects = needed(s);
    int sent = 0;
    int present = 0;
    long bytes = 0;
    for (Needed o : objects.values()) {
      boolean sentNow = !isThere(s, o, known) && transfer(s, o);
      known.put(o.key(), o.sha256());
      if (sentNow) {
        sent++;
        bytes += o.size();
      } else {
        present++;
      }
    }
    return new Copied(s.id(), false, sent, bytes, present);
  }

  /** The objects the snapshot lists, each under a key the format allows for it, or an error. */
  private static Map<String, Needed> needed(SnapshotManifest s) {
    Map<String, Needed> objects = new LinkedHashMap<>();
    for (TopicSnapshot t : s.topics()) {
      for (PartitionSnapshot p : t.partitions()) {
        for (SegmentInfo seg : p.segments()) {
          if (!DataKeys.isValid(seg)) {
            throw forged(s, seg.key() + " (index " + seg.indexKey() + ")");
          }
          objects.put(seg.key(), new Needed(seg.key(), seg.size(), seg.sha256()));
          objects.put(
              seg.indexKey(), new Needed(seg.indexKey(), seg.indexSize(), seg.indexSha256()));
        }
      }
    }
    for (IncludedFile f : s.files()) {
      if (!DataKeys.isValid(f)) {
        throw forged(s, f.key());
      }
      objects.put(f.key(), new Needed(f.key(), f.size(), f.sha256()));
    }
    return objects;
  }

  private static CorruptDataException forged(SnapshotManifest s, String key) {
    return new CorruptDataException(
        "snapshot "
            + s.id()
            + " in the source lists the object "
            + key
            + ", whose key or SHA-256 is not one the repository format gives a segment, index or"
            + " included file;"
            + " nothing of that snapshot was copied");
  }

  /**
   * Whether the destination holds the object already: listed with the same digest by a snapshot
   * there, or read back with that digest. An object of the key with other bytes is never replaced.
   */
  private boolean isThere(SnapshotManifest s, Needed o, Map<String, String> known)
      throws IOException {
    Optional<ObjectInfo> info = destination.storage().stat(o.key());
    if (info.isEmpty()) {
      return false;
    }
    if (o.sha256().equals(known.get(o.key())) && info.get().size() == o.size()) {
      return true;
    }
    requireSameBytes(s, o);
    return true;
  }

  /** Stops the copy unless the object the destination holds under the key has the digest. */
  private void requireSameBytes(SnapshotManifest s, Needed o) throws IOException {
    String there;
    try (InputStream in = destination.storage().get(o.key())) {
      there = digestOf(in, OutputStream.nullOutputStream());
    }
    if (!there.equals(o.sha256())) {
      throw new KbackupException(
          ExitCode.INTEGRITY,
          o.key()
              + " exists in the destination with SHA-256 "
              + there
              + ", snapshot "
              + s.id()
              + " lists "
              + o.sha256()
              + "; it was not replaced and nothing of that snapshot was committed",
          "run `kbackup verify` on both repositories; copy into another repository, or remove"
              + " that object from the destination if no snapshot there lists it");
    }
  }

  /**
   * Sends an object the destination did not hold, checked as read and as written. Another writer
   * may put the key meanwhile: the write never replaces, and what that writer put must be the same
   * bytes.
   *
   * @return false when the object appeared meanwhile, with the same bytes
   */
  private boolean transfer(SnapshotManifest s, Needed o) throws IOException {
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
      if (!to.putIfAbsent(key, file)) {
        requireSameBytes(s, o);
        return false;
      }
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
    return true;
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

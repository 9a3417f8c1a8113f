package io.kbackup.doctor;

import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.lock.LockInfo;
import io.kbackup.repository.lock.RepositoryLock;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The repository's part of the doctor: reachable, a kbackup repository, opened by the passphrase
 * given, writable (a probe object under {@code doctor/} is written, read back and deleted), its
 * locks, and on a local file system the free space against the next backup.
 */
final class RepositoryCheck {

  static final String PROBE_PREFIX = "doctor/";

  private final Storage storage;
  private final Supplier<String> passphrase;
  private final List<Finding> findings;

  RepositoryCheck(Storage storage, Supplier<String> passphrase, List<Finding> findings) {
    this.storage = storage;
    this.passphrase = passphrase;
    this.findings = findings;
  }

  /** Runs the checks; returns the opened repository, or null when there is none to open. */
  Repository run() {
    String location = storage.location();
    boolean present;
    try {
      present = storage.stat(Repository.CONFIG_KEY).isPresent();
    } catch (IOException | RuntimeException e) {
      findings.add(
          Finding.fatal(
              "repository",
              "cannot reach " + location + ": " + e.getMessage(),
              "check --repo, the storage's credentials and that it is reachable"));
      return null;
    }
    Repository repository = null;
    if (!present) {
      findings.add(
          Finding.warning(
              "repository",
              "no kbackup repository at " + location,
              "kbackup init --repo " + location));
    } else {
      repository = open(location);
    }
    writable(location);
    if (present) {
      locks(location);
    }
    return repository;
  }

  private Repository open(String location) {
    try {
      Repository repository = Repository.open(storage, passphrase);
      List<SnapshotManifest> snapshots = repository.snapshots();
      findings.add(
          Finding.ok(
              "repository",
              location
                  + ": "
                  + snapshots.size()
                  + " snapshots"
                  + (snapshots.isEmpty()
                      ? ""
                      : ", the latest " + snapshots.get(snapshots.size() - 1).id())
                  + ", "
                  + (repository.encrypted()
                      ? "encrypted, the passphrase given opens it"
                      : "not encrypted")
                  + ", compression "
                  + repository.config().compression()
                  + " level "
                  + repository.config().compressionLevel()));
      return repository;
    } catch (KbackupException e) {
      String title = e.exitCode() == ExitCode.WRONG_KEY ? "passphrase" : "repository";
      findings.add(Finding.fatal(title, e.getMessage(), e.hint()));
    } catch (IOException | RuntimeException e) {
      findings.add(
          Finding.fatal(
              "repository",
              "cannot read " + location + ": " + e.getMessage(),
              "check the storage and run `kbackup verify`"));
    }
    return null;
  }

  private void writable(String location) {
    String key = PROBE_PREFIX + "probe-" + UUID.randomUUID();
    byte[] bytes = ("kbackup doctor " + Instant.now()).getBytes(StandardCharsets.UTF_8);
    try {
      storage.put(key, bytes);
      try {
        if (!Arrays.equals(storage.readAll(key), bytes)) {
          throw new IOException("the object read back differs from the one written");
        }
      } finally {
        storage.delete(key);
      }
      findings.add(
          Finding.ok("repository writable", "wrote, read back and deleted " + key + " there"));
    } catch (IOException | RuntimeException e) {
      findings.add(
          Finding.fatal(
              "repository writable",
              "cannot write " + key + " to " + location + ": " + describe(e),
              "check that the user running kbackup (or the storage's credentials) may write and"
                  + " delete objects there"));
    }
  }

  private void locks(String location) {
    List<LockInfo> all;
    List<LockInfo> live;
    try {
      all = RepositoryLock.list(storage);
      live = RepositoryLock.live(storage);
    } catch (IOException | RuntimeException e) {
      findings.add(Finding.fatal("locks", "cannot list the locks: " + describe(e), null));
      return;
    }
    List<String> liveIds = live.stream().map(LockInfo::id).toList();
    for (LockInfo l : live) {
      if (l.exclusive()) {
        findings.add(
            Finding.warning(
                "locked",
                l.describe()
                    + " holds the repository alone: a backup or restore now stops with"
                    + " exit 11",
                "wait for it to finish"));
      } else {
        findings.add(
            Finding.info(
                "locked",
                l.describe()
                    + " holds a shared lock: backups and restores may run beside it,"
                    + " prune may not",
                null));
      }
    }
    for (LockInfo l : all) {
      if (!liveIds.contains(l.id())) {
        findings.add(
            Finding.warning(
                "stale lock",
                l.describe()
                    + " is stale (its process is gone or it was not refreshed for "
                    + RepositoryLock.STALE_AFTER.toMinutes()
                    + " minutes)",
                "kbackup unlock --repo " + location));
      }
    }
    if (all.isEmpty()) {
      findings.add(Finding.ok("locks", "no locks"));
    }
  }

  /** Free space of a repository on a local file system against the next backup's size. */
  void freeSpace(Repository repository, NextBackupSize next) {
    if (!(storage instanceof FileSystemStorage fs)) {
      findings.add(
          Finding.info(
              "free space",
              "not checked: " + storage.location() + " is not a local directory",
              null));
      return;
    }
    try {
      Path existing = fs.root().toAbsolutePath();
      while (!Files.exists(existing) && existing.getParent() != null) {
        existing = existing.getParent();
      }
      long usable = Files.getFileStore(existing).getUsableSpace();
      NextBackupSize.Size size = next.of(repository);
      String details =
          mib(usable)
              + " free at "
              + existing
              + "; the next backup stores about "
              + mib(size.bytes())
              + " ("
              + size.records()
              + " new records)";
      if (size.bytes() > usable) {
        findings.add(
            Finding.fatal(
                "free space",
                details,
                "free space there, or move the repository to a larger disk"));
      } else {
        findings.add(Finding.ok("free space", details));
      }
    } catch (IOException | RuntimeException e) {
      findings.add(Finding.warning("free space", "not checked: " + describe(e), null));
    }
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}

package io.kbackup.repository.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.error.KbackupException;
import io.kbackup.repository.Json;
import io.kbackup.storage.FileSystemStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryLockTest {

  @TempDir Path dir;
  FileSystemStorage storage;

  @BeforeEach
  void open() {
    storage = new FileSystemStorage(dir);
  }

  @Test
  void sharedLocksCoexistAndKeepAnExclusiveOneOut() throws Exception {
    try (RepositoryLock a = RepositoryLock.acquire(storage, LockKind.SHARED, "backup");
        RepositoryLock b = RepositoryLock.acquire(storage, LockKind.SHARED, "restore")) {
      assertThat(RepositoryLock.list(storage))
          .extracting(LockInfo::command)
          .containsExactlyInAnyOrder("backup", "restore");
      assertThatThrownBy(() -> RepositoryLock.acquire(storage, LockKind.EXCLUSIVE, "prune"))
          .isInstanceOfSatisfying(
              KbackupException.class,
              e -> {
                assertThat(e.exitCode()).isEqualTo(11);
                assertThat(e.getMessage())
                    .contains("is locked by `")
                    .contains("pid " + ProcessHandle.current().pid())
                    .contains("on host " + RepositoryLock.thisHost())
                    .endsWith("; `prune` needs it alone");
              });
      // the refused lock removed itself
      assertThat(RepositoryLock.list(storage)).hasSize(2);
    }
    assertThat(RepositoryLock.list(storage)).isEmpty();
    try (RepositoryLock prune = RepositoryLock.acquire(storage, LockKind.EXCLUSIVE, "prune")) {
      assertThat(prune.info().exclusive()).isTrue();
    }
  }

  @Test
  void anExclusiveLockKeepsEveryoneOut() throws Exception {
    try (RepositoryLock prune = RepositoryLock.acquire(storage, LockKind.EXCLUSIVE, "prune")) {
      assertThatThrownBy(() -> RepositoryLock.acquire(storage, LockKind.SHARED, "backup"))
          .isInstanceOfSatisfying(
              KbackupException.class,
              e -> {
                assertThat(e.exitCode()).isEqualTo(11);
                assertThat(e.getMessage()).contains("is locked by `prune` (pid ");
                assertThat(e.hint()).contains("kbackup unlock");
              });
      assertThat(RepositoryLock.list(storage)).containsExactly(prune.info());
    }
  }

  @Test
  void locksOfGoneHoldersAreIgnoredAndRemovedByUnlock() throws Exception {
    long deadPid = deadPid();
    String now = Instant.now().toString();
    String old = Instant.now().minus(RepositoryLock.STALE_AFTER).minusSeconds(60).toString();
    String host = RepositoryLock.thisHost();
    write(new LockInfo("dead-process", "exclusive", host, deadPid, "prune", now, now));
    write(new LockInfo("silent-host", "exclusive", "elsewhere", 1, "prune", old, old));
    write(new LockInfo("busy-host", "shared", "elsewhere", 1, "backup", now, now));

    // the two stale exclusive locks do not stop a backup
    try (RepositoryLock backup = RepositoryLock.acquire(storage, LockKind.SHARED, "backup")) {
      assertThat(backup.info().kind()).isEqualTo("shared");
    }
    assertThat(RepositoryLock.remove(storage, false))
        .extracting(LockInfo::id)
        .containsExactlyInAnyOrder("dead-process", "silent-host");
    assertThat(RepositoryLock.list(storage)).extracting(LockInfo::id).containsExactly("busy-host");
    assertThat(RepositoryLock.remove(storage, true))
        .extracting(LockInfo::id)
        .containsExactly("busy-host");
    assertThat(RepositoryLock.list(storage)).isEmpty();
  }

  @Test
  void aHolderRefreshesItsLock() throws Exception {
    try (RepositoryLock lock =
        RepositoryLock.acquire(storage, LockKind.SHARED, "backup", Duration.ofMillis(50))) {
      String first = lock.info().refreshedAt();
      Thread.sleep(300);
      LockInfo stored = RepositoryLock.list(storage).get(0);
      assertThat(Instant.parse(stored.refreshedAt())).isAfter(Instant.parse(first));
      assertThat(stored.createdAt()).isEqualTo(lock.info().createdAt());
    }
  }

  @Test
  void aHolderWhoseLockWasRemovedKnowsItLostIt() throws Exception {
    try (RepositoryLock lock = RepositoryLock.acquire(storage, LockKind.SHARED, "backup")) {
      lock.ensureHeld();
      assertThat(RepositoryLock.remove(storage, true)).hasSize(1);
      assertThatThrownBy(lock::ensureHeld)
          .isInstanceOfSatisfying(
              KbackupException.class,
              e -> {
                assertThat(e.exitCode()).isEqualTo(11);
                assertThat(e.getMessage())
                    .isEqualTo(
                        "the lock of `backup` on "
                            + storage.location()
                            + " was lost while it ran; nothing was committed");
              });
    }
  }

  @Test
  void aHolderPausedPastTheStaleAgeDoesNotBringItsLockBackToLife() throws Exception {
    MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
    try (RepositoryLock lock =
        RepositoryLock.acquire(storage, LockKind.SHARED, "backup", Duration.ofMillis(20), clock)) {
      Thread.sleep(100);
      lock.ensureHeld();

      clock.now = clock.now.plus(RepositoryLock.STALE_AFTER); // the process was stopped so long
      Thread.sleep(200);

      assertThat(RepositoryLock.list(storage).get(0).refreshedAt())
          .isEqualTo(lock.info().refreshedAt());
      assertThat(Instant.parse(lock.info().refreshedAt())).isBefore(clock.now);
      assertThatThrownBy(lock::ensureHeld)
          .isInstanceOf(KbackupException.class)
          .hasMessageEndingWith("was lost while it ran; nothing was committed");
    }
  }

  @Test
  void aLockThatOthersSeeStaleIsLostEvenIfTheHolderThinksItFresh() throws Exception {
    try (RepositoryLock lock = RepositoryLock.acquire(storage, LockKind.SHARED, "backup")) {
      write(lock.info().refreshed(Instant.now().minus(RepositoryLock.STALE_AFTER).toString()));

      assertThatThrownBy(lock::ensureHeld)
          .isInstanceOf(KbackupException.class)
          .hasMessageEndingWith("was lost while it ran; nothing was committed");
    }
  }

  /** A clock the test moves on, for a holder's idea of the time. */
  static final class MovableClock extends java.time.Clock {
    volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private void write(LockInfo lock) throws Exception {
    storage.put(RepositoryLock.PREFIX + lock.id() + ".json", Json.write(lock));
  }

  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }
}

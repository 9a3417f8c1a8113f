package io.kbackup.repository.lock;

import java.time.Duration;
import java.time.Instant;

/**
 * A lock object as stored under {@code locks/}: who holds the repository, how, and since when.
 *
 * @param kind {@code shared} (backup, restore, verify) or {@code exclusive} (prune, repair)
 * @param command the kbackup command holding it
 * @param refreshedAt last time the holder proved it is alive; a holder refreshes it while it runs
 */
public record LockInfo(
    String id,
    String kind,
    String host,
    long pid,
    String command,
    String createdAt,
    String refreshedAt) {

  public boolean exclusive() {
    return LockKind.EXCLUSIVE.label().equals(kind);
  }

  /**
   * Whether the holder is gone: a process of this host that no longer runs, or a holder anywhere
   * that has not refreshed its lock for {@code maxAge}.
   */
  public boolean isStale(Instant now, Duration maxAge, String thisHost) {
    if (thisHost.equals(host) && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
      return true;
    }
    return Instant.parse(refreshedAt).plus(maxAge).isBefore(now);
  }

  /** The same lock, refreshed at another time. */
  public LockInfo refreshed(String at) {
    return new LockInfo(id, kind, host, pid, command, createdAt, at);
  }

  /** One line naming the holder, for messages. */
  public String describe() {
    return "`"
        + command
        + "` (pid "
        + pid
        + " on host "
        + host
        + ", since "
        + createdAt
        + ", "
        + kind
        + ")";
  }
}

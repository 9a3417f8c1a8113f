package io.kbackup.repository.lock;

import io.kbackup.error.Untrusted;
import io.kbackup.repository.DocumentRules;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

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

  /** What a lock id may be: kbackup writes UUIDs. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  /**
   * Why this lock, read from {@code locks/<name>.json}, cannot be a lock kbackup wrote; null when
   * it can. Its id names the object deleted when the lock is removed, its times decide whether it
   * is stale, and its host and command are shown to the user.
   */
  String problem(String name) {
    if (id == null || !ID.matcher(id).matches() || !id.equals(name)) {
      return "its id " + Untrusted.quote(id) + " is not the name of its object";
    }
    if (!LockKind.SHARED.label().equals(kind) && !exclusive()) {
      return "unknown kind " + Untrusted.quote(kind);
    }
    if (pid < 1 || host == null || command == null) {
      return "no holder (pid " + pid + ", host " + Untrusted.quote(host) + ")";
    }
    if (!DocumentRules.isInstant(createdAt) || !DocumentRules.isInstant(refreshedAt)) {
      return "createdAt or refreshedAt is not a time";
    }
    return null;
  }

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
        + Untrusted.text(command)
        + "` (pid "
        + pid
        + " on host "
        + Untrusted.text(host)
        + ", since "
        + Untrusted.text(createdAt)
        + ", "
        + Untrusted.text(kind)
        + ")";
  }
}

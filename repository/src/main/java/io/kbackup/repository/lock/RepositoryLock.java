package io.kbackup.repository.lock;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.error.Untrusted;
import io.kbackup.repository.Documents;
import io.kbackup.repository.Json;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lock on a repository, held while a command runs. It is an object under {@code locks/} naming
 * the host, process and command, written before the command starts and deleted when it ends. The
 * holder refreshes it, so that a lock whose process died can be recognised as stale and ignored.
 *
 * <p>Taking a lock writes it first and then looks for conflicting locks, removing its own again
 * when it finds one: of two commands that race, at least one backs off, never neither.
 */
public final class RepositoryLock implements AutoCloseable {

  public static final String PREFIX = "locks/";

  /** A lock not refreshed for this long belongs to a holder that is gone. */
  public static final Duration STALE_AFTER = Duration.ofMinutes(30);

  static final Duration REFRESH_EVERY = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger(RepositoryLock.class);

  private final Storage storage;
  private final Clock clock;
  private final String key;
  private final ScheduledExecutorService refresher;
  private volatile LockInfo info;
  private volatile boolean lost;

  private RepositoryLock(Storage storage, LockInfo info, Duration refreshEvery, Clock clock) {
    this.storage = storage;
    this.clock = clock;
    this.info = info;
    this.key = PREFIX + info.id() + ".json";
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kbackup-lock-refresh");
              t.setDaemon(true);
              return t;
            });
    long ms = refreshEvery.toMillis();
    refresher.scheduleAtFixedRate(this::refresh, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Takes a lock for the command, or fails with exit code 11 naming the holder of a conflicting
   * one: a shared lock conflicts with an exclusive one, an exclusive lock with any other.
   */
  public static RepositoryLock acquire(Storage storage, LockKind kind, String command)
      throws IOException {
    return acquire(storage, kind, command, REFRESH_EVERY);
  }

  static RepositoryLock acquire(
      Storage storage, LockKind kind, String command, Duration refreshEvery) throws IOException {
    return acquire(storage, kind, command, refreshEvery, Clock.systemUTC());
  }

  /** The same with the holder's time from {@code clock}, which tests move on. */
  static RepositoryLock acquire(
      Storage storage, LockKind kind, String command, Duration refreshEvery, Clock clock)
      throws IOException {
    String now = clock.instant().toString();
    LockInfo mine =
        new LockInfo(
            UUID.randomUUID().toString(),
            kind.label(),
            thisHost(),
            ProcessHandle.current().pid(),
            command,
            now,
            now);
    String key = PREFIX + mine.id() + ".json";
    storage.put(key, Json.write(mine));
    try {
      for (LockInfo other : live(storage)) {
        if (other.id().equals(mine.id())) {
          continue;
        }
        if (kind == LockKind.EXCLUSIVE || other.exclusive()) {
          throw new KbackupException(
              ExitCode.REPOSITORY_LOCKED,
              "repository "
                  + storage.location()
                  + " is locked by "
                  + other.describe()
                  + (kind == LockKind.EXCLUSIVE ? "; `" + command + "` needs it alone" : ""),
              "wait for it to finish; if that process is gone, `kbackup unlock` removes its lock"
                  + " once it is stale (dead process on this host, or "
                  + STALE_AFTER.toMinutes()
                  + " minutes without refresh)");
        }
      }
    } catch (RuntimeException | IOException e) {
      try {
        storage.delete(key);
      } catch (RuntimeException | IOException cleanup) {
        e.addSuppressed(cleanup); // the storage may be gone: report why the lock failed
      }
      throw e;
    }
    return new RepositoryLock(storage, mine, refreshEvery, clock);
  }

  /** The largest lock object read: kbackup writes some 250 bytes. */
  static final int MAX_LOCK_BYTES = 64 << 10;

  /**
   * Every lock of the repository. A lock object that cannot be read (removed while listing) is
   * skipped; one that is not a lock kbackup wrote is damage (exit 13): it may be a holder, so no
   * command goes on past it.
   */
  public static List<LockInfo> list(Storage storage) throws IOException {
    List<LockInfo> locks = new ArrayList<>();
    for (ObjectInfo o : storage.list(PREFIX)) {
      try {
        locks.add(read(storage, o.key()));
      } catch (IOException e) {
        // removed while listing, or out of reach for a moment: not a holder
        log.debug("skipping lock {}: {}", o.key(), e.toString());
      }
    }
    return locks;
  }

  /** The lock object of that key, checked; damage when it is not a lock kbackup wrote. */
  static LockInfo read(Storage storage, String key) throws IOException {
    LockInfo lock;
    try {
      lock = Documents.read(storage, key, MAX_LOCK_BYTES, "a lock", LockInfo.class);
    } catch (CorruptDataException e) {
      throw damaged(e.getMessage());
    }
    // removing a lock deletes locks/ID.json: its id must name this object
    String name =
        key.endsWith(".json")
            ? key.substring(PREFIX.length(), key.length() - ".json".length())
            : null;
    String problem = lock.problem(name);
    if (problem != null) {
      throw damaged(Untrusted.text(key) + ": not a lock kbackup wrote: " + problem);
    }
    return lock;
  }

  private static CorruptDataException damaged(String message) {
    return new CorruptDataException(
        message,
        "if no kbackup command runs on this repository, remove every lock with `kbackup unlock"
            + " --remove-all`");
  }

  /**
   * Deletes every lock object that is not a lock kbackup wrote, for {@code unlock --remove-all};
   * returns their keys.
   */
  public static List<String> removeDamaged(Storage storage) throws IOException {
    List<String> removed = new ArrayList<>();
    for (ObjectInfo o : storage.list(PREFIX)) {
      try {
        read(storage, o.key());
      } catch (CorruptDataException e) {
        storage.delete(o.key());
        removed.add(o.key());
      } catch (IOException e) {
        // gone already, or out of reach: list() decides
      }
    }
    return removed;
  }

  /** Locks whose holders still run (as far as can be told). */
  public static List<LockInfo> live(Storage storage) throws IOException {
    Instant now = Instant.now();
    String host = thisHost();
    return list(storage).stream().filter(l -> !l.isStale(now, STALE_AFTER, host)).toList();
  }

  /**
   * Removes locks whose holders are gone, or every lock when {@code all}; returns those removed.
   */
  public static List<LockInfo> remove(Storage storage, boolean all) throws IOException {
    Instant now = Instant.now();
    String host = thisHost();
    List<LockInfo> removed = new ArrayList<>();
    for (LockInfo l : list(storage)) {
      if (all || l.isStale(now, STALE_AFTER, host)) {
        storage.delete(PREFIX + l.id() + ".json");
        removed.add(l);
      }
    }
    return removed;
  }

  public LockInfo info() {
    return info;
  }

  /**
   * Fails when the lock may no longer protect this command: it was removed or replaced, or it has
   * not been refreshed for so long that other commands take it as stale (or ever went so long, as
   * when the process was paused). A command checks this before its commit, so that it never commits
   * a snapshot whose data a prune may have deleted meanwhile.
   */
  public void ensureHeld() throws IOException {
    Instant now = clock.instant();
    LockInfo stored = stored();
    if (lost
        || stored == null
        || !stored.id().equals(info.id())
        || !fresh(info, now)
        || !fresh(stored, now)) {
      throw new KbackupException(
          ExitCode.REPOSITORY_LOCKED,
          "the lock of `"
              + info.command()
              + "` on "
              + storage.location()
              + " was lost while it ran; nothing was committed",
          "run it again; if locks were removed by hand, make sure no prune ran meanwhile");
    }
  }

  /** The lock object as others see it; null when it is gone or unreadable. */
  private LockInfo stored() throws IOException {
    if (storage.stat(key).isEmpty()) {
      return null;
    }
    try {
      return read(storage, key);
    } catch (RuntimeException | IOException e) {
      return null; // removed meanwhile, or replaced by something that is no lock
    }
  }

  /** Whether others still take the lock as live, with a minute to spare for their clocks. */
  private static boolean fresh(LockInfo lock, Instant now) {
    return Instant.parse(lock.refreshedAt()).plus(STALE_AFTER).isAfter(now.plusSeconds(60));
  }

  private void refresh() {
    Instant now = clock.instant();
    if (!fresh(info, now)) {
      // paused (or starved) past the stale age: others may have acted as if this command ended,
      // so the lock must not come back to life
      lost = true;
      return;
    }
    LockInfo refreshed = info.refreshed(now.toString());
    try {
      if (storage.stat(key).isEmpty()) {
        lost = true; // removed by `unlock --remove-all`: others may act as if this command ended
        return;
      }
      storage.put(key, Json.write(refreshed));
      info = refreshed;
    } catch (IOException | RuntimeException e) {
      log.warn("could not refresh the repository lock {}: {}", key, e.toString());
    }
  }

  /** Releases the lock: stops refreshing it and deletes it. */
  @Override
  public void close() throws IOException {
    refresher.shutdownNow();
    try {
      refresher.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    storage.delete(key);
  }

  /** This machine's name as locks record it. */
  public static String thisHost() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }
}

package io.kbackup.cli;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ends long-running work cleanly on SIGTERM or Ctrl-C: a continuous backup commits what it has read
 * and returns, the daemon lets its running jobs finish. The process then exits with the work's own
 * exit code (see {@link Main#main}). Other commands are not held up: with no such work running, a
 * signal ends the process at once, as it always did. The daemon may also ask a continuous backup to
 * end for a while, for a job that needs the repository alone.
 */
final class Stopping {

  private static final Object HOOK = new Object();
  private static final List<Runnable> onStop = new CopyOnWriteArrayList<>();
  private static final AtomicInteger pauses = new AtomicInteger();
  private static final CountDownLatch never = new CountDownLatch(1);
  private static volatile boolean requested;
  private static boolean hookInstalled;

  private Stopping() {}

  /** Whether a signal asked the process to stop. */
  static boolean requested() {
    return requested;
  }

  /** Whether a continuous backup should commit and return now. */
  static boolean continuousBackupShouldEnd() {
    return requested || pauses.get() > 0;
  }

  /** Runs a job while continuous backups stay ended; the caller waits for them to end first. */
  static void pausingContinuousBackups(Runnable job) {
    pauses.incrementAndGet();
    try {
      job.run();
    } finally {
      pauses.decrementAndGet();
    }
  }

  /**
   * Runs work that ends cleanly when asked: on a signal, {@code stop} is called and the process
   * waits (up to 10 minutes) for the work and then exits with its exit code.
   */
  static <T> T gracefully(Runnable stop, Callable<T> work) throws Exception {
    installHook();
    onStop.add(stop);
    if (requested) {
      stop.run();
    }
    try {
      return work.call();
    } finally {
      onStop.remove(stop);
    }
  }

  private static void installHook() {
    synchronized (HOOK) {
      if (hookInstalled) {
        return;
      }
      hookInstalled = true;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (onStop.isEmpty()) {
                    return;
                  }
                  requested = true;
                  onStop.forEach(Runnable::run);
                  try {
                    // the main thread halts the process with the work's exit code
                    never.await(10, TimeUnit.MINUTES);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "kbackup-stop"));
  }
}

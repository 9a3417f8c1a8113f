package io.kbackup.cli;

import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * A continuous backup job of the daemon, on a thread of its own. It runs until the daemon stops;
 * when it fails (the cluster or the repository unreachable), it starts again after a pause that
 * doubles up to 5 minutes. A job that needs the repository alone asks it to end first (see {@link
 * Stopping#pausingContinuousBackups}) and it starts again afterwards.
 */
final class ContinuousJob {

  private static final Duration FIRST_RETRY = Duration.ofSeconds(10);
  private static final Duration LAST_RETRY = Duration.ofMinutes(5);

  private final String name;
  private final IntSupplier run;
  private final JobOutput output;
  private final Object monitor = new Object();
  private boolean running;
  private Thread thread;

  ContinuousJob(String name, IntSupplier run, JobOutput output) {
    this.name = name;
    this.run = run;
    this.output = output;
  }

  void start() {
    thread = new Thread(this::loop, "kbackup-" + name);
    thread.start();
  }

  private void loop() {
    Duration retry = FIRST_RETRY;
    while (true) {
      synchronized (monitor) {
        while (Stopping.continuousBackupShouldEnd() && !Stopping.requested()) {
          waitOn(monitor, 100);
        }
        if (Stopping.requested()) {
          return;
        }
        running = true;
      }
      int code;
      try {
        code = run.getAsInt();
      } finally {
        synchronized (monitor) {
          running = false;
          monitor.notifyAll();
        }
      }
      if (code == 0 || Stopping.requested()) {
        retry = FIRST_RETRY;
        continue;
      }
      output.note("starting again in " + retry.toSeconds() + " s");
      long until = System.nanoTime() + retry.toNanos();
      while (System.nanoTime() < until && !Stopping.requested()) {
        sleep(100);
      }
      retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
    }
  }

  /** Waits until the job is not running; call after asking it to end. */
  void awaitEnded() {
    synchronized (monitor) {
      while (running) {
        waitOn(monitor, 100);
      }
    }
  }

  /** Waits for the thread to end: after the daemon was asked to stop. */
  void join() throws InterruptedException {
    thread.join();
  }

  private static void waitOn(Object monitor, long ms) {
    try {
      monitor.wait(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

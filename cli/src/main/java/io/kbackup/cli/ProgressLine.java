package io.kbackup.cli;

import io.kbackup.progress.Progress;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Shows how far a long command has come while it works. On a terminal, without {@code --quiet} or
 * {@code --json}: a line on standard error redrawn twice a second (done of the expected, bytes,
 * rate, time left) and cleared at the end. With {@code --json} and without {@code --quiet}: a
 * status line of JSON on standard output every 2 seconds and one when the work ends, terminal or
 * not, for log pipelines. Otherwise nothing, so logs and pipes get no progress noise.
 */
final class ProgressLine implements AutoCloseable {

  private static final Duration DRAW_EVERY = Duration.ofMillis(500);
  private static final Duration STATUS_EVERY = Duration.ofSeconds(2);
  private static final ProgressLine NONE = new ProgressLine(null, () -> {});

  private final Thread repeater;
  private final Runnable atEnd;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private ProgressLine(Thread repeater, Runnable atEnd) {
    this.repeater = repeater;
    this.atEnd = atEnd;
  }

  /** Starts showing the progress of a command, as its options and output allow. */
  static ProgressLine start(
      String what, Progress progress, CommandLine.Model.CommandSpec spec, boolean json) {
    boolean quiet = spec.root().userObject() instanceof Main m && m.quiet;
    Instant started = Instant.now();
    Supplier<Status> now = () -> Status.of(progress, Duration.between(started, Instant.now()));
    if (quiet) {
      return NONE;
    }
    if (json) {
      Printer out = new Printer(spec.commandLine().getOut());
      return new ProgressLine(
          repeat(() -> out.json("status", now.get().json(what, false)), STATUS_EVERY),
          () -> out.json("status", now.get().json(what, true)));
    }
    PrintWriter err = spec.commandLine().getErr();
    if (Main.terminal == null || err != Main.terminal) {
      return NONE;
    }
    Runnable draw =
        () -> {
          err.print("\r" + now.get().line(what));
          err.flush();
        };
    Runnable clear =
        () -> {
          err.print("\r\033[K");
          err.flush();
        };
    return new ProgressLine(repeat(draw, DRAW_EVERY), clear);
  }

  /** Shows nothing, for work that has no progress worth showing (a dry run). */
  static ProgressLine none() {
    return NONE;
  }

  private static Thread repeat(Runnable action, Duration every) {
    Thread thread =
        new Thread(
            () -> {
              while (true) {
                try {
                  Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
                action.run();
              }
            },
            "kbackup-progress");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Ends the display; later calls do nothing (a continuous backup ends it at its first commit). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (repeater != null) {
      repeater.interrupt();
      try {
        repeater.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    atEnd.run();
  }

  /**
   * What a {@link Progress} says at one moment.
   *
   * @param expected items expected, or -1 while unknown
   * @param expectedBytes bytes expected, or -1 when unknown
   */
  record Status(
      String unit, long count, long expected, long bytes, long expectedBytes, Duration elapsed) {

    static Status of(Progress p, Duration elapsed) {
      return new Status(p.unit(), p.count(), p.expected(), p.bytes(), p.expectedBytes(), elapsed);
    }

    /**
     * Percent done: by bytes when their total is known (items may differ in size), else by count.
     */
    long percent() {
      if (expectedBytes > 0) {
        return Math.min(100, bytes * 100 / expectedBytes);
      }
      return expected > 0 ? Math.min(100, count * 100 / expected) : -1;
    }

    /** Seconds left at the rate so far, or -1 while unknown. */
    long secondsLeft() {
      double done =
          expectedBytes > 0
              ? (double) bytes / expectedBytes
              : expected > 0 ? (double) count / expected : 0;
      return done <= 0 ? -1 : (long) (seconds() * Math.max(0, 1 - done) / done);
    }

    String line(String what) {
      StringBuilder line = new StringBuilder(what).append("  ");
      if (percent() >= 0) {
        line.append(percent()).append("% ");
      }
      line.append(String.format("%,d", count));
      if (expected > 0) {
        line.append(String.format(" of %,d", expected));
      }
      line.append(' ').append(unit).append("  ").append(Printer.bytes(bytes));
      if (expectedBytes > 0) {
        line.append(" of ").append(Printer.bytes(expectedBytes));
      }
      line.append("  ").append(Printer.bytes((long) (bytes / seconds()))).append("/s");
      long left = secondsLeft();
      if (left >= 0 && percent() < 100) {
        line.append(String.format("  ETA %d:%02d", left / 60, left % 60));
      }
      return line.toString();
    }

    /**
     * The fields of a status line; those not known are left out, and so is the time left once the
     * work has ended.
     */
    Map<String, Object> json(String operation, boolean ended) {
      String units = Character.toUpperCase(unit.charAt(0)) + unit.substring(1);
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("operation", operation);
      status.put(unit, count);
      if (expected >= 0) {
        status.put("expected" + units, expected);
      }
      status.put("bytes", bytes);
      if (expectedBytes >= 0) {
        status.put("expectedBytes", expectedBytes);
      }
      status.put(unit + "PerSecond", perSecond(count));
      status.put("bytesPerSecond", perSecond(bytes));
      if (!ended && secondsLeft() >= 0) {
        status.put("etaSeconds", secondsLeft());
      }
      status.put("elapsedSeconds", elapsed.toMillis() / 1000.0);
      return status;
    }

    /** With one decimal, never in exponent notation (a log pipeline may not read 1.2E7). */
    private BigDecimal perSecond(long amount) {
      return BigDecimal.valueOf(amount / seconds()).setScale(1, RoundingMode.HALF_UP);
    }

    private double seconds() {
      return Math.max(0.001, elapsed.toMillis() / 1000.0);
    }
  }
}

package io.kbackup.cli;

import io.kbackup.progress.Progress;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine;

/**
 * A progress line on the terminal (standard error), redrawn twice a second: records done of the
 * expected, bytes, rate and time left. Drawn only when kbackup runs on a terminal and neither
 * {@code --quiet} nor {@code --json} was given, so logs and pipes get no progress noise.
 */
final class ProgressLine implements AutoCloseable {

  private final Thread drawer;
  private final PrintWriter err;

  private ProgressLine(Thread drawer, PrintWriter err) {
    this.drawer = drawer;
    this.err = err;
  }

  /** Starts drawing for a command, if it runs on a terminal and is not quiet. */
  static ProgressLine start(
      String what, Progress progress, CommandLine.Model.CommandSpec spec, boolean json) {
    boolean quiet = spec.root().userObject() instanceof Main m && m.quiet;
    PrintWriter err = spec.commandLine().getErr();
    if (System.console() == null || quiet || json) {
      return new ProgressLine(null, err);
    }
    Instant started = Instant.now();
    Thread drawer =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                err.print(
                    "\r"
                        + render(
                            what,
                            progress.records(),
                            progress.totalRecords(),
                            progress.bytes(),
                            Duration.between(started, Instant.now())));
                err.flush();
                try {
                  Thread.sleep(500);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "kbackup-progress");
    drawer.setDaemon(true);
    drawer.start();
    return new ProgressLine(drawer, err);
  }

  static String render(String what, long records, long total, long bytes, Duration elapsed) {
    double seconds = Math.max(0.001, elapsed.toMillis() / 1000.0);
    StringBuilder line = new StringBuilder(what).append("  ");
    if (total > 0) {
      line.append(Math.min(100, records * 100 / total))
          .append("% ")
          .append(String.format("%,d of %,d records", records, total));
    } else {
      line.append(String.format("%,d records", records));
    }
    line.append("  ")
        .append(Printer.bytes(bytes))
        .append("  ")
        .append(Printer.bytes((long) (bytes / seconds)))
        .append("/s");
    if (total > 0 && records > 0 && records < total) {
      long left = (long) ((total - records) * seconds / records);
      line.append(String.format("  ETA %d:%02d", left / 60, left % 60));
    }
    return line.toString();
  }

  @Override
  public void close() {
    if (drawer != null) {
      drawer.interrupt();
      try {
        drawer.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      err.print("\r\033[K"); // clears the line
      err.flush();
    }
  }
}

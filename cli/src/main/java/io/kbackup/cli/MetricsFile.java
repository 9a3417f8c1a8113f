package io.kbackup.cli;

import io.kbackup.metrics.KbackupMetrics;
import io.kbackup.metrics.MetricsText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A node_exporter textfile that several runs update: the daemon's jobs side by side, or runs from
 * cron. Each update reads the file anew, applies its changes and replaces the file, under a lock (a
 * hidden {@code .NAME.lock} file beside it, which node_exporter ignores), so that no run loses the
 * values another wrote in the meantime.
 */
final class MetricsFile {

  private static final Object IN_THIS_PROCESS = new Object();

  private MetricsFile() {}

  static void update(Path file, Consumer<KbackupMetrics> change) throws IOException {
    synchronized (IN_THIS_PROCESS) {
      KbackupMetrics metrics = new KbackupMetrics();
      metrics.load(MetricsText.read(file));
      change.accept(metrics);
      MetricsText.writeAtomically(file, metrics.text());
    }
  }
}

package io.kbackup.localkafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real brokers shared by the test classes of one JVM, started on first use and stopped when the JVM
 * exits. For test suites, so that each class does not pay for a broker start.
 */
public final class SharedKafka {

  private static LocalKafka primary;
  private static LocalKafka secondary;

  private SharedKafka() {}

  public static synchronized LocalKafka primary() {
    if (primary == null) {
      primary = start("primary");
    }
    return primary;
  }

  /** A second, independent cluster, as another data center would be. */
  public static synchronized LocalKafka secondary() {
    if (secondary == null) {
      secondary = start("secondary");
    }
    return secondary;
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at exit
    }
  }

  private static LocalKafka start(String name) {
    try {
      Path dir = Files.createTempDirectory("kbackup-test-kafka-" + name);
      LocalKafka kafka = LocalKafka.start(dir);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    kafka.stop();
                    deleteQuietly(dir);
                  }));
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

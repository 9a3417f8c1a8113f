package io.kbackup.metrics;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Fetches promtool for the tests, as they fetch Kafka, s3proxy and Azurite: the static binary is
 * extracted from Debian's {@code prometheus} package ({@code apt-get download}, {@code dpkg-deb
 * -x}) without installing the package, which would bring Prometheus' web assets and start a
 * Prometheus server. The binary is kept in the top-level project's {@code target/tools}, so every
 * module and later runs find it; a file lock keeps test JVMs of two modules from fetching at once,
 * and the binary appears under its name only complete (atomic rename).
 */
final class PromtoolFetch {

  private PromtoolFetch() {}

  /** The binary at {@code target}, fetched first unless it is there already. */
  static synchronized Path into(Path target) throws IOException, InterruptedException {
    Path tools = target.getParent();
    Files.createDirectories(tools);
    try (FileChannel lockFile =
            FileChannel.open(
                tools.resolve("promtool.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      if (Files.isExecutable(target)) {
        return target;
      }
      for (String tool : List.of("apt-get", "dpkg-deb")) {
        if (which(tool) == null) {
          throw new AssertionError(
              "promtool is missing and cannot be fetched: "
                  + tool
                  + " is not on the PATH (promtool comes from Debian's prometheus package); put"
                  + " promtool on the PATH, or give -Dpromtool=/path/to/promtool");
        }
      }
      Path work = Files.createTempDirectory(tools, "promtool-");
      try {
        Path log = tools.resolve("promtool-fetch.log");
        if (run(work, log, "apt-get", "download", "prometheus") != 0) {
          // an image without package lists: read them, then try once more
          run(work, log, "apt-get", "update", "-qq");
          if (run(work, log, "apt-get", "download", "prometheus") != 0) {
            throw new AssertionError(
                "promtool is missing and `apt-get download prometheus` failed ("
                    + Files.readString(log).strip()
                    + "); put promtool on the PATH, or give -Dpromtool=/path/to/promtool");
          }
        }
        Path deb = onlyDeb(work);
        if (run(work, log, "dpkg-deb", "-x", deb.toString(), "extracted") != 0) {
          throw new AssertionError("dpkg-deb could not extract " + deb + "; see " + log);
        }
        Path partial = tools.resolve("promtool.partial");
        Files.copy(
            work.resolve("extracted/usr/bin/promtool"),
            partial,
            StandardCopyOption.REPLACE_EXISTING);
        partial.toFile().setExecutable(true);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
      } finally {
        deleteTree(work);
      }
    }
  }

  /** The executable of that name on the PATH, or null. */
  static Path which(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static int run(Path dir, Path log, String... command)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " took over 5 minutes; see " + log);
    }
    return p.exitValue();
  }

  private static Path onlyDeb(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> debs = files.filter(f -> f.toString().endsWith(".deb")).toList();
      if (debs.size() != 1) {
        throw new AssertionError("apt-get download prometheus left " + debs + " in " + dir);
      }
      return debs.get(0);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}

package io.kbackup.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' promtool: from the system property {@code promtool}, the PATH, or the top-level
 * project's {@code target/tools}, where {@link PromtoolFetch} puts it on first use. A promtool that
 * cannot be found or fetched fails the test, never skips it.
 */
public final class Promtool {

  public record Result(int exitCode, String output) {}

  /** The project's root, whose ops/ holds the alert rules and the dashboard. */
  static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    return Files.isDirectory(dir.resolve("ops")) ? dir : dir.getParent();
  }

  static Path binary() throws IOException, InterruptedException {
    String property = System.getProperty("promtool");
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    Path onPath = PromtoolFetch.which("promtool");
    if (onPath != null) {
      return onPath;
    }
    return PromtoolFetch.into(projectRoot().resolve("target/tools/promtool"));
  }

  /** Runs promtool with the arguments, feeding it {@code stdin} when not null. */
  public static Result run(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(binary().toString());
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(projectRoot().toFile())
            .redirectErrorStream(true)
            .start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("promtool did not finish within 60 s: " + command);
    }
    return new Result(p.exitValue(), output);
  }

  private Promtool() {}
}

package io.kbackup.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a launcher script as a child process in an environment of only the given variables, as a
 * user's shell with nothing but Java would: no Maven, no class path, no JAVA_TOOL_OPTIONS.
 */
final class Launcher {

  record Result(int exitCode, String out, String err) {}

  /**
   * A folder holding only the commands the launcher may use besides java, to serve as PATH: the
   * launcher must need nothing else.
   */
  static Path toolsOnly(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String tool : List.of("dirname", "readlink", "sed")) {
      Path found = onPath(tool);
      Files.createSymbolicLink(dir.resolve(tool), found);
    }
    return dir;
  }

  private static Path onPath(String tool) {
    for (String folder : System.getenv("PATH").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(folder, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(tool + " is not on PATH");
  }

  static Result run(Path script, Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(script.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(environment);
    Path out = Files.createTempFile("kbackup-out", ".txt");
    Path err = Files.createTempFile("kbackup-err", ".txt");
    Process process =
        builder
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("kbackup " + String.join(" ", args) + " ran over 120 s");
    }
    try {
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  private Launcher() {}
}

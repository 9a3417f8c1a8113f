package io.kbackup.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs the command line in-process and keeps what it printed. */
final class CliRunner {

  record Result(int exitCode, String out, String err) {

    /** Standard output as JSON lines; fails on a line that is not a JSON object with a type. */
    List<JsonNode> jsonLines() {
      List<JsonNode> lines = new ArrayList<>();
      for (String line : out.lines().toList()) {
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          throw new AssertionError("not a JSON line: " + line, e);
        }
        if (!node.isObject() || !node.path("type").isTextual()) {
          throw new AssertionError("not a JSON object with a type: " + line);
        }
        lines.add(node);
      }
      return lines;
    }

    /** The JSON lines of one type. */
    List<JsonNode> jsonLines(String type) {
      return jsonLines().stream().filter(n -> n.get("type").asText().equals(type)).toList();
    }

    /** The one summary line of a command run with --json. */
    JsonNode summary() {
      List<JsonNode> summaries = jsonLines("summary");
      if (summaries.size() != 1) {
        throw new AssertionError(summaries.size() + " summary lines in: " + out);
      }
      return summaries.get(0);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * Starts the command line in a child JVM with a 256 MiB heap, its output going to {@code log}: a
   * real process, for tests that kill it. It compiles with C1 only and collects with the serial
   * collector: a child that lives seconds starts faster so, which is most of what a kill round
   * costs.
   */
  static Process start(java.nio.file.Path log, String... args) throws java.io.IOException {
    return start(log, List.of(), args);
  }

  /** As {@link #start(java.nio.file.Path, String...)}, with system properties for the child. */
  static Process start(java.nio.file.Path log, List<String> properties, String... args)
      throws java.io.IOException {
    java.util.List<String> command = new java.util.ArrayList<>();
    command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(properties);
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(java.util.List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private CliRunner() {}
}

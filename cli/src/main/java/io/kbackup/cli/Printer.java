package io.kbackup.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All user-facing output of a command: plain lines, tables and JSON. With {@code --json} every line
 * is one JSON object whose {@code type} says what it is: {@code status} while a command works,
 * {@code summary} for its result, {@code error} (on standard error, see {@link Main}).
 */
final class Printer {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final PrintWriter out;

  Printer(PrintWriter out) {
    this.out = out;
  }

  void line(String text) {
    out.println(text);
    out.flush();
  }

  /** The command's result as one JSON line, {@code {"type":"summary",…}}. */
  void json(Map<String, ?> summary) {
    json("summary", summary);
  }

  /** One JSON line of the given type: {@code {"type":TYPE}} followed by the fields. */
  void json(String type, Map<String, ?> fields) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", type);
    line.putAll(fields);
    try {
      out.println(JSON.writeValueAsString(line));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    out.flush();
  }

  /** Prints rows as left-aligned columns under a header. */
  void table(List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    printRow(header, widths);
    for (List<String> row : rows) {
      printRow(row, widths);
    }
    out.flush();
  }

  private void printRow(List<String> cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        b.append("  ");
      }
      b.append(String.format("%-" + widths[i] + "s", cells.get(i)));
    }
    out.println(b.toString().stripTrailing());
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format("%.1f %s", v, units[u]);
  }

  /** A count with its noun, singular for one: "1 snapshot", "2 snapshots". */
  static String count(long n, String noun) {
    return n + " " + (n == 1 ? noun : noun + "s");
  }
}

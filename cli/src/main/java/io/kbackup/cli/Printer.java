package io.kbackup.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.List;

/** All user-facing output of a command: plain lines, tables and JSON. */
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

  void json(Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
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
}

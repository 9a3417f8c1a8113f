package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A size written as {@code 500000}, {@code 64MiB}, {@code 1GiB} or {@code 100MB}. */
final class ByteSize {

  private static final Pattern FORM =
      Pattern.compile("(\\d{1,15})\\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)?");

  private ByteSize() {}

  static long parse(String text, String where) {
    Matcher m = FORM.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw KbackupException.usage(
          where + ": '" + text + "' is not a size", "write it as 64MiB, 1GiB or 100MB");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    long factor =
        switch (unit) {
          case "kb" -> 1000L;
          case "mb" -> 1000L * 1000;
          case "gb" -> 1000L * 1000 * 1000;
          case "tb" -> 1000L * 1000 * 1000 * 1000;
          case "kib" -> 1L << 10;
          case "mib" -> 1L << 20;
          case "gib" -> 1L << 30;
          case "tib" -> 1L << 40;
          default -> 1L;
        };
    if (n > Long.MAX_VALUE / factor) {
      throw KbackupException.usage(where + ": '" + text + "' is too large", "write a smaller size");
    }
    return n * factor;
  }
}

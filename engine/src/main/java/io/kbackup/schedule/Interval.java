package io.kbackup.schedule;

import io.kbackup.error.KbackupException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A duration written as {@code 30s}, {@code 5m}, {@code 2h} or {@code 1d}. */
public final class Interval {

  private static final Pattern FORM = Pattern.compile("(\\d{1,9})([smhd])");

  private Interval() {}

  public static Duration parse(String text, String where) {
    Matcher m = FORM.matcher(text == null ? "" : text.trim());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw KbackupException.usage(
          where + ": '" + text + "' is not a duration", "write it as 30s, 5m, 2h or 1d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}

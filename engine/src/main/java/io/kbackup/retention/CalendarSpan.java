package io.kbackup.retention;

import io.kbackup.error.KbackupException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A span of calendar time such as {@code 7d}, {@code 2w}, {@code 36h} or {@code 1y6m}: years,
 * months, weeks, days and hours, counted back on the UTC calendar.
 */
public record CalendarSpan(int years, int months, int days, int hours) {

  private static final Pattern SPAN =
      Pattern.compile("(?:(\\d+)y)?(?:(\\d+)m)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?");

  public static CalendarSpan parse(String text, String option) {
    Matcher m = SPAN.matcher(text == null ? "" : text.trim());
    if (text == null || text.isBlank() || !m.matches()) {
      throw KbackupException.usage(
          option + " '" + text + "' is not a span such as 7d, 2w, 36h or 1y6m",
          "use y (years), m (months), w (weeks), d (days) and h (hours), largest first");
    }
    try {
      return new CalendarSpan(
          number(m.group(1)),
          number(m.group(2)),
          number(m.group(3)) * 7 + number(m.group(4)),
          number(m.group(5)));
    } catch (NumberFormatException e) {
      throw KbackupException.usage(option + " '" + text + "' is too large", "use a smaller span");
    }
  }

  /** The instant this span before {@code time}. */
  public Instant before(Instant time) {
    return time.atZone(ZoneOffset.UTC)
        .minusYears(years)
        .minusMonths(months)
        .minusDays(days)
        .minusHours(hours)
        .toInstant();
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    if (years > 0) {
      s.append(years).append('y');
    }
    if (months > 0) {
      s.append(months).append('m');
    }
    if (days > 0) {
      s.append(days).append('d');
    }
    if (hours > 0) {
      s.append(hours).append('h');
    }
    return s.length() == 0 ? "0h" : s.toString();
  }

  private static int number(String digits) {
    return digits == null ? 0 : Integer.parseInt(digits);
  }
}

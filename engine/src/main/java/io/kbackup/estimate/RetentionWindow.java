package io.kbackup.estimate;

import io.kbackup.retention.CalendarSpan;
import io.kbackup.retention.RetentionPolicy;
import java.time.Duration;
import java.util.Optional;

/**
 * How old the oldest snapshot a retention policy keeps gets, for backups taken every {@code
 * interval}. Snapshots share their data, so a repository holds the records of its oldest snapshot
 * plus everything appended since: that age is what storage estimates multiply the growth by.
 *
 * <p>A rule keeping N periods (hours, days, ISO weeks, months, years) keeps a snapshot N - 1
 * periods old, or N - 1 intervals old when backups are rarer than the period; {@code --keep-last N}
 * keeps one N - 1 intervals old; {@code --keep-within SPAN} one SPAN old. A month counts as 30 days
 * and a year as 365. The window is the longest of the rules.
 */
public final class RetentionWindow {

  static final Duration HOUR = Duration.ofHours(1);
  static final Duration DAY = Duration.ofDays(1);
  static final Duration WEEK = Duration.ofDays(7);
  static final Duration MONTH = Duration.ofDays(30);
  static final Duration YEAR = Duration.ofDays(365);

  private RetentionWindow() {}

  /** The age of the oldest kept snapshot; empty when the policy keeps every snapshot. */
  public static Optional<Duration> of(RetentionPolicy policy, Duration interval) {
    if (policy.isEmpty()) {
      return Optional.empty();
    }
    Duration window = Duration.ZERO;
    window = longest(window, periods(policy.last(), interval, interval));
    window = longest(window, periods(policy.hourly(), HOUR, interval));
    window = longest(window, periods(policy.daily(), DAY, interval));
    window = longest(window, periods(policy.weekly(), WEEK, interval));
    window = longest(window, periods(policy.monthly(), MONTH, interval));
    window = longest(window, periods(policy.yearly(), YEAR, interval));
    if (policy.within() != null) {
      window = longest(window, span(policy.within()));
    }
    return Optional.of(window);
  }

  public static Duration span(CalendarSpan s) {
    return YEAR.multipliedBy(s.years())
        .plus(MONTH.multipliedBy(s.months()))
        .plus(DAY.multipliedBy(s.days()))
        .plus(HOUR.multipliedBy(s.hours()));
  }

  private static Duration periods(int count, Duration period, Duration interval) {
    if (count <= 1) {
      return Duration.ZERO;
    }
    Duration step = period.compareTo(interval) >= 0 ? period : interval;
    return step.multipliedBy(count - 1L);
  }

  private static Duration longest(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}

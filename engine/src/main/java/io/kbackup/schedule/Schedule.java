package io.kbackup.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.kbackup.error.KbackupException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * When a job runs: a cron expression of five fields (minute, hour, day of month, month, day of
 * week) in UTC, such as {@code 0 * * * *} for every hour, or a fixed interval such as {@code every
 * 60s} for continuous backups.
 */
public abstract sealed class Schedule permits Schedule.Cron, Schedule.Every {

  /** The first time after {@code after} that the job is due. */
  public abstract Instant next(Instant after);

  public static Schedule parse(String text, String where) {
    String t = text == null ? "" : text.trim();
    if (t.startsWith("every ")) {
      return new Every(Interval.parse(t.substring("every ".length()), where));
    }
    try {
      CronParser parser =
          new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
      return new Cron(t, ExecutionTime.forCron(parser.parse(t)));
    } catch (IllegalArgumentException e) {
      throw KbackupException.usage(
          where + ": '" + text + "' is not a schedule",
          "use five cron fields in UTC, such as '0 * * * *' (hourly), or 'every 60s'");
    }
  }

  static final class Cron extends Schedule {
    private final String text;
    private final ExecutionTime times;

    Cron(String text, ExecutionTime times) {
      this.text = text;
      this.times = times;
    }

    @Override
    public Instant next(Instant after) {
      ZonedDateTime from = after.atZone(ZoneOffset.UTC);
      return times.nextExecution(from).map(ZonedDateTime::toInstant).orElse(Instant.MAX);
    }

    @Override
    public String toString() {
      return text + " (UTC)";
    }
  }

  static final class Every extends Schedule {
    private final Duration interval;

    Every(Duration interval) {
      this.interval = interval;
    }

    @Override
    public Instant next(Instant after) {
      return after.plus(interval);
    }

    @Override
    public String toString() {
      return "every " + interval.toSeconds() + "s";
    }
  }
}

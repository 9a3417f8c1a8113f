package io.kbackup.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.error.KbackupException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schedules and the scheduler on a clock the test moves. */
class SchedulerTest {

  /** A clock that only moves when told to. */
  static final class TestClock extends Clock {
    Instant now;

    TestClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void cronSchedulesAreInUtc() {
    Schedule hourly = Schedule.parse("0 * * * *", "jobs[0].schedule");
    assertThat(hourly.next(Instant.parse("2026-11-26T10:15:00Z")))
        .isEqualTo(Instant.parse("2026-11-26T11:00:00Z"));
    Schedule weekly = Schedule.parse("0 3 * * 0", "jobs[1].schedule");
    // 2026-11-26 is a Thursday; the next Sunday is the 29th
    assertThat(weekly.next(Instant.parse("2026-11-26T10:15:00Z")))
        .isEqualTo(Instant.parse("2026-11-29T03:00:00Z"));
    assertThat(Schedule.parse("every 90s", "x").next(Instant.parse("2026-11-26T10:00:00Z")))
        .isEqualTo(Instant.parse("2026-11-26T10:01:30Z"));
    assertThatThrownBy(() -> Schedule.parse("hourly", "jobs[2].schedule"))
        .isInstanceOfSatisfying(
            KbackupException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(2);
              assertThat(e.getMessage()).isEqualTo("jobs[2].schedule: 'hourly' is not a schedule");
            });
    assertThatThrownBy(() -> Schedule.parse("every 0s", "jobs[3].schedule"))
        .hasMessage("jobs[3].schedule: '0s' is not a duration");
  }

  @Test
  void jobsRunWhenDueOneAtATimeAndMissedRunsCollapse() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-11-26T09:59:00Z"));
    List<String> ran = new ArrayList<>();
    Scheduler.Job hourly =
        new Scheduler.Job(
            "hourly",
            Schedule.parse("0 * * * *", "h"),
            () -> {
              ran.add("hourly@" + clock.now);
              clock.now = clock.now.plus(Duration.ofMinutes(95)); // a slow backup
              return 0;
            });
    Scheduler.Job often =
        new Scheduler.Job(
            "often",
            Schedule.parse("every 20m", "o"),
            () -> {
              ran.add("often@" + clock.now);
              clock.now = clock.now.plusSeconds(30);
              return 3;
            });
    Scheduler scheduler = new Scheduler(List.of(hourly, often), clock, time -> clock.now = time);
    List<Scheduler.Run> runs = scheduler.run(5, run -> {});
    assertThat(ran)
        .containsExactly(
            "hourly@2026-11-26T10:00:00Z",
            // due at 10:19 and 10:39 while hourly ran until 11:35: it runs once, then
            "often@2026-11-26T11:35:00Z",
            // hourly was due at 11:00 and 12:00 is next after its end at 11:35
            "often@2026-11-26T11:55:30Z",
            "hourly@2026-11-26T12:00:00Z",
            "often@2026-11-26T13:35:00Z");
    assertThat(runs.get(1).exitCode()).isEqualTo(3);
    assertThat(runs.get(0).took()).isEqualTo(Duration.ofMinutes(95));
  }

  @Test
  void stoppingLetsTheRunningJobFinish() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-11-26T10:00:00Z"));
    List<String> ran = new ArrayList<>();
    Scheduler[] self = new Scheduler[1];
    Scheduler.Job job =
        new Scheduler.Job(
            "backup",
            Schedule.parse("every 1m", "b"),
            () -> {
              self[0].stop(); // a SIGTERM while it runs
              ran.add("finished");
              return 0;
            });
    self[0] = new Scheduler(List.of(job), clock, time -> clock.now = time);
    assertThat(self[0].run(10, run -> {})).hasSize(1);
    assertThat(ran).containsExactly("finished");
  }
}

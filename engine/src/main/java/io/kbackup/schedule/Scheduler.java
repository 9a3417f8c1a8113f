package io.kbackup.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs on their schedules, one at a time, until stopped. A job that is due while another runs
 * starts when that one ends; a job that was due several times meanwhile runs once. Stopping lets
 * the running job finish, so that it commits what it did.
 */
public final class Scheduler {

  /** A named action with a schedule; the action returns its exit code. */
  public record Job(String name, Schedule schedule, IntSupplier action) {}

  /** One run of a job, as the daemon reports it. */
  public record Run(String job, Instant started, Duration took, int exitCode) {}

  /** Waits until a time; replaceable so tests control the clock. */
  public interface Sleeper {
    void sleepUntil(Instant time) throws InterruptedException;
  }

  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  private final List<Job> jobs;
  private final Clock clock;
  private final Sleeper sleeper;
  private volatile boolean stopping;

  public Scheduler(List<Job> jobs, Clock clock, Sleeper sleeper) {
    this.jobs = List.copyOf(jobs);
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** A scheduler on the system clock. */
  public static Scheduler onSystemClock(List<Job> jobs) {
    Clock clock = Clock.systemUTC();
    return new Scheduler(
        jobs,
        clock,
        time -> {
          long ms = Duration.between(clock.instant(), time).toMillis();
          if (ms > 0) {
            Thread.sleep(Math.min(ms, 1000)); // wakes often enough to notice a stop
          }
        });
  }

  /**
   * Runs until {@link #stop()} or until {@code maxRuns} runs have happened (for tests; use
   * Integer.MAX_VALUE otherwise).
   */
  public List<Run> run(int maxRuns, java.util.function.Consumer<Run> onRun)
      throws InterruptedException {
    List<Run> runs = new ArrayList<>();
    List<Instant> due = new ArrayList<>();
    Instant now = clock.instant();
    for (Job job : jobs) {
      due.add(job.schedule().next(now));
    }
    while (!stopping && runs.size() < maxRuns) {
      int next = 0;
      for (int i = 1; i < jobs.size(); i++) {
        if (due.get(i).isBefore(due.get(next))) {
          next = i;
        }
      }
      Instant when = due.get(next);
      while (!stopping && clock.instant().isBefore(when)) {
        sleeper.sleepUntil(when);
      }
      if (stopping) {
        break;
      }
      Job job = jobs.get(next);
      Instant started = clock.instant();
      int code;
      try {
        code = job.action().getAsInt();
      } catch (RuntimeException e) {
        log.warn("job {} failed: {}", job.name(), e.toString());
        code = 1;
      }
      Run run = new Run(job.name(), started, Duration.between(started, clock.instant()), code);
      runs.add(run);
      onRun.accept(run);
      // missed times collapse into one: the next run is after the end of this one
      due.set(next, job.schedule().next(clock.instant()));
    }
    return runs;
  }

  /** Asks the scheduler to stop once the running job, if any, has finished. */
  public void stop() {
    stopping = true;
  }
}

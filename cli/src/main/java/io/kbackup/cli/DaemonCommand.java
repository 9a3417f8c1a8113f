package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import io.kbackup.schedule.Schedule;
import io.kbackup.schedule.Scheduler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the jobs of a config file on their schedules, and continuous backups all the time, until
 * stopped. SIGTERM (or Ctrl-C) lets the running job finish and commit, and continuous backups
 * commit what they read; then the daemon exits with 0.
 */
@Command(
    name = "daemon",
    description =
        "Run scheduled jobs (backup, verify, drill, forget, prune, copy) from a YAML config until"
            + " stopped; SIGTERM lets the running job finish first.")
final class DaemonCommand implements Callable<Integer> {

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The YAML config.")
  Path config;

  @Option(
      names = "--check",
      description = "Check the config and print the jobs with their next run times; run nothing.")
  boolean check;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    DaemonConfig parsed = DaemonConfig.read(config, System::getenv);
    PrintWriter out = spec.commandLine().getOut();
    List<Scheduler.Job> jobs = new ArrayList<>();
    List<ContinuousJob> continuous = new ArrayList<>();
    for (DaemonConfig.JobConfig job : parsed.jobs()) {
      checkOptions(job);
      JobOutput output = new JobOutput(out, job.name());
      if (job.continuous()) {
        continuous.add(new ContinuousJob(job.name(), () -> runJob(job, output), output));
        out.println("job " + job.name() + ": kbackup backup --continuous, runs all the time");
        continue;
      }
      Schedule schedule = Schedule.parse(job.schedule(), "job " + job.name() + " schedule");
      IntSupplier run =
          job.needsRepositoryAlone()
              ? () -> runAlone(job, output, continuous)
              : () -> runJob(job, output);
      jobs.add(new Scheduler.Job(job.name(), schedule, run));
      out.println(
          "job "
              + job.name()
              + ": kbackup "
              + job.args().get(0)
              + ", "
              + schedule
              + ", next at "
              + schedule.next(Instant.now()));
    }
    out.flush();
    if (check) {
      return 0;
    }
    DaemonMetricsEndpoint endpoint = null;
    if (parsed.metricsListen() != null) {
      endpoint = DaemonMetricsEndpoint.start(parsed.metricsListen(), parsed.metricsFile());
      out.println(
          "serving metrics on http://"
              + endpoint.host()
              + ":"
              + endpoint.port()
              + "/metrics (and /health), from "
              + parsed.metricsFile());
      out.flush();
    }
    Scheduler scheduler = Scheduler.onSystemClock(jobs);
    try {
      return Stopping.gracefully(
          scheduler::stop,
          () -> {
            continuous.forEach(ContinuousJob::start);
            if (!jobs.isEmpty()) {
              scheduler.run(Integer.MAX_VALUE, run -> {});
            }
            // the continuous jobs end only when the daemon is stopped
            for (ContinuousJob job : continuous) {
              job.join();
            }
            out.println(Instant.now() + " stopped");
            out.flush();
            return 0;
          });
    } finally {
      if (endpoint != null) {
        endpoint.close();
      }
    }
  }

  /** Parses a job's command line now, so that a mistake stops the daemon at start. */
  private void checkOptions(DaemonConfig.JobConfig job) {
    try {
      new CommandLine(new Main()).parseArgs(job.args().toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw KbackupException.usage(
          "job " + job.name() + ": " + e.getMessage(),
          "options are written as on the command line; see `kbackup "
              + job.args().get(0)
              + " --help`");
    }
  }

  /**
   * Runs a job that holds the repository alone once the continuous backups have committed and
   * ended.
   */
  private static int runAlone(
      DaemonConfig.JobConfig job, JobOutput output, List<ContinuousJob> continuous) {
    int[] code = new int[1];
    Stopping.pausingContinuousBackups(
        () -> {
          continuous.forEach(ContinuousJob::awaitEnded);
          code[0] = runJob(job, output);
        });
    return code[0];
  }

  /** Runs one job in this process, its output passed on line by line as it prints it. */
  private static int runJob(DaemonConfig.JobConfig job, JobOutput output) {
    Instant started = Instant.now();
    PrintWriter lines = new PrintWriter(output, true);
    int code = Main.run(job.args().toArray(String[]::new), lines, lines);
    lines.flush();
    output.close();
    if (code != 0 || !job.args().contains("--quiet")) { // a quiet job is heard of when it fails
      output.note(
          "exit " + code + " after " + Duration.between(started, Instant.now()).toMillis() + " ms");
    }
    return code;
  }
}

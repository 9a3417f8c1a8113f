package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import io.kbackup.schedule.Schedule;
import io.kbackup.schedule.Scheduler;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the jobs of a config file on their schedules until stopped. SIGTERM (or Ctrl-C) lets the
 * running job finish and commit, then the daemon exits with 0.
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
    for (DaemonConfig.JobConfig job : parsed.jobs()) {
      Schedule schedule = Schedule.parse(job.schedule(), "job " + job.name() + " schedule");
      checkOptions(job);
      jobs.add(new Scheduler.Job(job.name(), schedule, () -> runJob(job, out)));
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
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              scheduler.stop();
              try {
                if (stopped.await(10, TimeUnit.MINUTES)) { // the running job commits first
                  Runtime.getRuntime().halt(0); // a clean stop, whatever the signal
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "kbackup-daemon-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      scheduler.run(Integer.MAX_VALUE, run -> {});
      out.println(Instant.now() + " stopped; no job was running");
      out.flush();
      return 0;
    } finally {
      if (endpoint != null) {
        endpoint.close();
      }
      stopped.countDown();
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

  /** Runs one job in this process, its output lines marked with the time and the job's name. */
  private static int runJob(DaemonConfig.JobConfig job, PrintWriter out) {
    StringWriter jobOut = new StringWriter();
    StringWriter jobErr = new StringWriter();
    Instant started = Instant.now();
    int code =
        Main.run(
            job.args().toArray(String[]::new),
            new PrintWriter(jobOut, true),
            new PrintWriter(jobErr, true));
    synchronized (out) {
      String prefix = started + " [" + job.name() + "] ";
      jobOut.toString().lines().forEach(l -> out.println(prefix + l));
      jobErr.toString().lines().forEach(l -> out.println(prefix + l));
      out.println(
          Instant.now()
              + " ["
              + job.name()
              + "] exit "
              + code
              + " after "
              + java.time.Duration.between(started, Instant.now()).toMillis()
              + " ms");
      out.flush();
    }
    return code;
  }
}

package io.kbackup.cli;

import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import java.io.PrintWriter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The kbackup command line: parses, runs one command, maps failures to exit codes. */
@Command(
    name = "kbackup",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT, // so that every command takes --help, as the hints of errors say
    versionProvider = VersionProvider.class,
    description = "Backup and restore for Apache Kafka.",
    subcommands = {
      InitCommand.class,
      BackupCommand.class,
      SnapshotsCommand.class,
      ShowCommand.class,
      DiffCommand.class,
      BrokerConfigCommand.class,
      CatCommand.class,
      VerifyCommand.class,
      RestoreCommand.class,
      DrillCommand.class,
      ForgetCommand.class,
      PruneCommand.class,
      CopyCommand.class,
      KeyCommand.class,
      DaemonCommand.class,
      UnlockCommand.class,
      DoctorCommand.class,
      LagCommand.class,
      EstimateCommand.class,
      DemoCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Log what happens and show stack traces of errors.")
  void setVerbose(boolean verbose) {
    this.verbose = verbose;
    if (LogFile.active() && !verbose) {
      return; // the daemon's jobs keep logging to its file
    }
    Configurator.setRootLevel(verbose ? Level.INFO : Level.OFF);
    Configurator.setLevel("org.apache.kafka", verbose ? Level.WARN : Level.OFF);
  }

  private boolean verbose;

  @Option(names = "--quiet", scope = ScopeType.INHERIT, description = "Print nothing but errors.")
  boolean quiet;

  @Option(
      names = "--log-file",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "Append a log with UTC timestamps to this file (secrets are never logged).")
  void setLogFile(java.nio.file.Path file) {
    LogFile.start(file);
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * The process's standard error when it is a terminal, else null: progress is drawn there only,
   * never into the output of a daemon's job or of a test.
   */
  static volatile PrintWriter terminal;

  public static void main(String[] args) {
    PrintWriter err = new PrintWriter(System.err, true);
    terminal = System.console() != null ? err : null;
    int code = run(args, new PrintWriter(System.out, true), err);
    if (Stopping.requested()) {
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(code); // exit is blocked while the signal's hook waits for us
    }
    System.exit(code);
  }

  /** Runs a command line; returns its exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    Main main = new Main();
    main.setVerbose(false);
    CommandLine cli = new CommandLine(main);
    java.util.List<String> given = java.util.Arrays.asList(args);
    boolean json = given.contains("--json");
    // picocli sets --quiet only once parsing is done, after the writers are chosen
    cli.setOut(given.contains("--quiet") ? new PrintWriter(java.io.Writer.nullWriter()) : out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (e, args2) -> {
          String command = e.getCommandLine().getCommandSpec().qualifiedName();
          String hint = "see `" + command + " --help`";
          if (json) {
            jsonError(err, e.getMessage(), hint, ExitCode.USAGE);
          } else {
            err.println("kbackup: error: " + e.getMessage());
            err.println("  hint: " + hint);
          }
          err.flush();
          return ExitCode.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          int code = e instanceof KbackupException k ? k.exitCode() : ExitCode.FAILED;
          String text = describe(e);
          if (json) {
            String[] lines = text.split(System.lineSeparator(), 2);
            jsonError(
                err,
                lines[0].replaceFirst("^kbackup: (unexpected )?error: ", ""),
                lines.length > 1 ? lines[1].replaceFirst("^\\s*hint: ", "") : null,
                code);
          } else {
            err.println(text);
          }
          org.slf4j.LoggerFactory.getLogger(Main.class).error(text.replace('\n', ' '));
          if (main.verbose) {
            e.printStackTrace(err);
          }
          err.flush();
          return code;
        });
    cli.setExecutionStrategy(pr -> MetricsFileOption.execute(pr, new CommandLine.RunLast()));
    return cli.execute(args);
  }

  /** An error as one JSON line, for --json: {"type":"error","error":…,"hint":…,"exitCode":…}. */
  static void jsonError(PrintWriter err, String message, String hint, int exitCode) {
    java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
    doc.put("error", message);
    doc.put("hint", hint);
    doc.put("exitCode", exitCode);
    new Printer(err).json("error", doc);
  }

  static String describe(Throwable e) {
    if (e instanceof KbackupException k) {
      return "kbackup: error: "
          + k.getMessage()
          + (k.hint() == null ? "" : System.lineSeparator() + "  hint: " + k.hint());
    }
    KbackupException denied = KafkaConnection.accessDenied(null, e);
    if (denied != null) {
      return describe(denied);
    }
    if (e instanceof java.nio.file.AccessDeniedException a) {
      return "kbackup: error: permission denied: "
          + a.getFile()
          + System.lineSeparator()
          + "  hint: check that the user running kbackup may read and write there";
    }
    if (e instanceof java.io.IOException io) {
      return "kbackup: error: input/output failure: "
          + io.getMessage()
          + System.lineSeparator()
          + "  hint: check the repository's disk or storage; nothing was committed";
    }
    return "kbackup: unexpected error: "
        + e
        + System.lineSeparator()
        + "  hint: run again with --verbose for details";
  }
}

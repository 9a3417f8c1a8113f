package io.kbackup.cli;

import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.repository.Version;
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
    versionProvider = Main.VersionProvider.class,
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
      UnlockCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Log what happens and show stack traces of errors.")
  void setVerbose(boolean verbose) {
    this.verbose = verbose;
    Configurator.setRootLevel(verbose ? Level.INFO : Level.OFF);
    Configurator.setLevel("org.apache.kafka", verbose ? Level.WARN : Level.OFF);
  }

  private boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a command line; returns its exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    Main main = new Main();
    main.setVerbose(false);
    CommandLine cli = new CommandLine(main);
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (e, args2) -> {
          String command = e.getCommandLine().getCommandSpec().qualifiedName();
          err.println("kbackup: error: " + e.getMessage());
          err.println("  hint: see `" + command + " --help`");
          err.flush();
          return ExitCode.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          err.println(describe(e));
          if (main.verbose) {
            e.printStackTrace(err);
          }
          err.flush();
          return e instanceof KbackupException k ? k.exitCode() : ExitCode.FAILED;
        });
    cli.setExecutionStrategy(pr -> MetricsFileOption.execute(pr, new CommandLine.RunLast()));
    return cli.execute(args);
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

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"kbackup " + Version.get()};
    }
  }
}

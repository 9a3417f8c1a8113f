package io.kbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kbackup.error.KbackupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon's YAML config: the repository, the cluster, and jobs, each a kbackup command with a
 * schedule and the command's own options written as on the command line, so that every option has
 * its config-file twin. A backup job with the schedule {@code continuous} runs all the time (see
 * {@code backup --continuous}). With a cluster and metrics, a {@code lag} job refreshes the backup
 * lag every minute unless the config has one. {@code ${NAME}} in any value is replaced by that
 * environment variable, which keeps secrets out of the file.
 *
 * <pre>
 * repository:
 *   url: s3://backups/kafka
 *   options: {--s3-region: eu-west-1, --password-file: /etc/kbackup/passphrase}
 * cluster:
 *   bootstrapServers: broker1:9092
 *   commandConfig: /etc/kbackup/client.properties
 * jobs:
 *   - {name: tail, command: backup, schedule: continuous, options: {--commit-every: 30s}}
 *   - {name: weekly-full, command: backup, schedule: "0 3 * * 0", options: {--full: true}}
 *   - {name: nightly, command: forget, schedule: "30 2 * * *", options: {--keep-daily: 7, --prune: true}}
 * metrics: {listen: 127.0.0.1:9404, file: /var/lib/kbackup/metrics.prom}
 * </pre>
 */
record DaemonConfig(List<JobConfig> jobs, String metricsListen, Path metricsFile) {

  /** One job: the command line it runs, ready to parse, and its schedule. */
  record JobConfig(String name, String schedule, List<String> args) {

    /** A backup that runs all the time, committing as its options say, instead of on a schedule. */
    boolean continuous() {
      return CONTINUOUS.equals(schedule);
    }

    /** Forget and prune hold the repository alone: continuous backups end while they run. */
    boolean needsRepositoryAlone() {
      return args.get(0).equals("forget") || args.get(0).equals("prune");
    }
  }

  static final String CONTINUOUS = "continuous";

  /** How often the daemon refreshes the backup lag metrics when it has a cluster and metrics. */
  static final String LAG_SCHEDULE = "every 1m";

  /** Commands that talk to the cluster get its options. */
  private static final Set<String> CLUSTER_COMMANDS = Set.of("backup", "drill", "lag");

  private static final Set<String> COMMANDS =
      Set.of("backup", "verify", "drill", "forget", "prune", "copy", "lag");

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  static DaemonConfig read(Path file, Function<String, String> env) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw KbackupException.usage("--config file " + file + " does not exist", "check the path");
    } catch (IOException e) {
      throw KbackupException.usage(
          "--config file " + file + " is not valid YAML: " + firstLine(e.getMessage()),
          "check the file's indentation and quoting");
    }
    if (root == null || !root.isObject()) {
      throw KbackupException.usage(
          "--config file " + file + " holds no settings", "see the daemon example in the README");
    }
    allowOnly(root, "", Set.of("repository", "cluster", "jobs", "metrics"));
    JsonNode metrics = root.path("metrics");
    String listen = null;
    Path metricsFile = null;
    if (!metrics.isMissingNode()) {
      allowOnly(metrics, "metrics.", Set.of("listen", "file"));
      listen = text(required(metrics, "listen", "metrics."), "metrics.listen", env);
      if (!listen.matches("([^:]+:)?\\d{1,5}")) {
        throw KbackupException.usage(
            "metrics.listen: '" + listen + "' is not HOST:PORT", "for example 127.0.0.1:9404");
      }
      metricsFile =
          Path.of(
              metrics.has("file")
                  ? text(metrics.get("file"), "metrics.file", env)
                  : System.getProperty("java.io.tmpdir") + "/kbackup-daemon.prom");
    }
    JsonNode repository = required(root, "repository");
    allowOnly(repository, "repository.", Set.of("url", "options"));
    JsonNode cluster = root.path("cluster");
    if (!cluster.isMissingNode()) {
      allowOnly(cluster, "cluster.", Set.of("bootstrapServers", "commandConfig", "timeout"));
    }
    List<String> repoArgs =
        new ArrayList<>(
            List.of("--repo", text(required(repository, "url"), "repository.url", env)));
    repoArgs.addAll(options(repository.path("options"), "repository.options", env));
    List<String> clusterArgs = new ArrayList<>();
    if (cluster.has("bootstrapServers")) {
      clusterArgs.addAll(
          List.of("-b", text(cluster.get("bootstrapServers"), "cluster.bootstrapServers", env)));
    }
    if (cluster.has("commandConfig")) {
      clusterArgs.addAll(
          List.of(
              "--command-config",
              text(cluster.get("commandConfig"), "cluster.commandConfig", env)));
    }
    if (cluster.has("timeout")) {
      clusterArgs.addAll(
          List.of("--timeout", text(cluster.get("timeout"), "cluster.timeout", env)));
    }
    JsonNode jobs = required(root, "jobs");
    if (!jobs.isArray() || jobs.isEmpty()) {
      throw KbackupException.usage(
          "jobs: give at least one job", "see the daemon example in the README");
    }
    List<JobConfig> result = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      String where = "jobs[" + i + "]";
      JsonNode job = jobs.get(i);
      allowOnly(job, where + ".", Set.of("name", "command", "schedule", "options"));
      String command = text(required(job, "command", where + "."), where + ".command", env);
      if (!COMMANDS.contains(command)) {
        throw KbackupException.usage(
            where + ".command: '" + command + "' is not a command the daemon runs",
            "use one of " + String.join(", ", COMMANDS.stream().sorted().toList()));
      }
      List<String> args = new ArrayList<>(List.of(command));
      args.addAll(repoArgs);
      if (CLUSTER_COMMANDS.contains(command)) {
        if (clusterArgs.isEmpty()) {
          throw KbackupException.usage(
              where + ": " + command + " needs cluster.bootstrapServers", "add a cluster section");
        }
        args.addAll(clusterArgs);
      }
      args.addAll(options(job.path("options"), where + ".options", env));
      if (metricsFile != null) {
        args.addAll(List.of("--metrics-file", metricsFile.toString()));
      }
      String name =
          job.has("name") ? text(job.get("name"), where + ".name", env) : command + "-" + i;
      String schedule = text(required(job, "schedule", where + "."), where + ".schedule", env);
      if (CONTINUOUS.equals(schedule)) {
        if (!command.equals("backup")) {
          throw KbackupException.usage(
              where + ".schedule: only a backup job can be continuous",
              "give " + command + " a cron schedule or one like 'every 1h'");
        }
        args.add("--continuous");
      }
      result.add(new JobConfig(name, schedule, args));
    }
    boolean lagJob = result.stream().anyMatch(j -> j.args().get(0).equals("lag"));
    if (metricsFile != null && !clusterArgs.isEmpty() && !lagJob) {
      // the lag in records keeps rising between backups, not only at their end
      List<String> args = new ArrayList<>(List.of("lag", "--quiet"));
      args.addAll(repoArgs);
      args.addAll(clusterArgs);
      args.addAll(List.of("--metrics-file", metricsFile.toString()));
      result.add(new JobConfig("lag", LAG_SCHEDULE, args));
    }
    return new DaemonConfig(result, listen, metricsFile);
  }

  /** A map of CLI options: {@code --flag: true}, {@code --opt: value}, {@code --many: [a, b]}. */
  private static List<String> options(JsonNode node, String where, Function<String, String> env) {
    List<String> args = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) {
      return args;
    }
    if (!node.isObject()) {
      throw KbackupException.usage(
          where + " must map options to values", "for example {--topics: orders, --full: true}");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (!key.startsWith("-")) {
        throw KbackupException.usage(
            where + "." + key + ": options are written as on the command line", "write --" + key);
      }
      JsonNode value = e.getValue();
      if (value.isBoolean()) {
        if (value.asBoolean()) {
          args.add(key);
        }
      } else if (value.isArray()) {
        for (JsonNode v : value) {
          args.add(key);
          args.add(text(v, where + "." + key, env));
        }
      } else {
        args.add(key);
        args.add(text(value, where + "." + key, env));
      }
    }
    return args;
  }

  private static String text(JsonNode node, String where, Function<String, String> env) {
    if (node == null || node.isContainerNode() || node.isNull()) {
      throw KbackupException.usage(where + " must be a single value", "check the config file");
    }
    Matcher m = VARIABLE.matcher(node.asText());
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.apply(m.group(1));
      if (value == null) {
        throw KbackupException.usage(
            where + " uses ${" + m.group(1) + "}, which is not set",
            "set the environment variable " + m.group(1) + " for the daemon");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static JsonNode required(JsonNode node, String key) {
    return required(node, key, "");
  }

  private static JsonNode required(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw KbackupException.usage(
          where + key + " is missing", "see the daemon example in the README");
    }
    return value;
  }

  private static void allowOnly(JsonNode node, String where, Set<String> keys) {
    if (!node.isObject()) {
      throw KbackupException.usage(
          (where.isEmpty() ? "the config" : where.substring(0, where.length() - 1))
              + " must be a mapping",
          "check the config file's indentation");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!keys.contains(key)) {
        throw KbackupException.usage(
            where + key + " is not a setting",
            "the settings here are " + String.join(", ", keys.stream().sorted().toList()));
      }
    }
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}

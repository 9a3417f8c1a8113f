package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import io.kbackup.error.Untrusted;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.progress.Progress;
import io.kbackup.repository.Repository;
import io.kbackup.restore.ExistingDataPolicy;
import io.kbackup.restore.PartitionCounts;
import io.kbackup.restore.PartitionRestore;
import io.kbackup.restore.PrincipalMap;
import io.kbackup.restore.Restore;
import io.kbackup.restore.RestoreOptions;
import io.kbackup.restore.RestoreResult;
import io.kbackup.restore.TopicMap;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "restore",
    description =
        "Restore a snapshot into a cluster; re-running an interrupted restore resumes it.")
final class RestoreCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;
  @Mixin KafkaOptions kafka;
  @Mixin MetricsFileOption metrics;

  @Option(
      names = "--snapshot",
      defaultValue = "latest",
      description = "Snapshot id or latest (default).")
  String snapshotId;

  @Option(
      names = "--to-time",
      paramLabel = "TIME",
      description =
          "Point in time: each partition stops at its first record later than TIME (ISO-8601 such as 2026-11-26T10:00:00Z, or epoch milliseconds).")
  String toTime;

  @Option(
      names = "--topics",
      paramLabel = "REGEX",
      description = "Topics to restore (default: all).")
  String topics;

  @Option(
      names = "--topic-map",
      paramLabel = "SRC=DST[,...]",
      description = "Restore topics under other names.")
  String topicMap;

  @Option(
      names = "--parallelism",
      defaultValue = "4",
      description = "Partitions restored at once (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--if-not-empty",
      defaultValue = "fail",
      paramLabel = "fail|append",
      description =
          "What to do when a target partition already holds records (default: ${DEFAULT-VALUE}).")
  String ifNotEmpty;

  @Option(
      names = "--groups",
      paramLabel = "REGEX",
      description = "Consumer groups whose offsets are restored, translated (default: all).")
  String groups;

  @Option(
      names = "--principal-map",
      paramLabel = "SRC=DST[,...]",
      description = "Rename principals in restored ACLs and quotas, such as User:app=User:app-dr.")
  String principalMap;

  @Option(
      names = "--metadata-only",
      description =
          "Create topics, ACLs and quotas but restore no records; restore them later without it.")
  boolean metadataOnly;

  @Option(
      names = "--data-only",
      description = "Restore records only: no consumer group offsets, ACLs or quotas.")
  boolean dataOnly;

  @Option(
      names = "--acls-from-unencrypted-repository",
      description = "Restore the snapshot's ACLs although the repository is not encrypted.")
  boolean aclsFromUnencryptedRepository;

  @Option(
      names = "--replication-factor",
      paramLabel = "N",
      description =
          "Replication factor of the topics the restore creates (default: the cluster's).")
  Integer replicationFactor;

  @Option(
      names = "--partitions",
      paramLabel = "[TOPIC=]N",
      description =
          "Partition count of the topics the restore creates, at least the snapshot's; TOPIC=N"
              + " for one topic of the snapshot; repeatable. Added partitions start empty.")
  List<String> partitions = new ArrayList<>();

  @Option(
      names = "--config",
      paramLabel = "KEY=VALUE",
      description =
          "A config of the topics the restore creates, replacing the backed-up value; repeatable.")
  List<String> configs = new ArrayList<>();

  @Option(
      names = "--skip-damaged",
      description =
          "Restore each partition up to damaged or missing data instead of stopping; list what was"
              + " skipped and exit 3.")
  boolean skipDamaged;

  @Option(
      names = "--compression",
      paramLabel = "none|gzip|snappy|lz4|zstd",
      description =
          "Compression of the batches sent (default: the source topic's compression.type when it"
              + " was set, else lz4).")
  String compression;

  @Option(
      names = "--dry-run",
      description = "Print what would be created and restored; change nothing.")
  boolean dryRun;

  @Option(
      names = "--json",
      description = "Print JSON lines: a status every 2 s while it works, then the summary.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RestoreOptions options =
        RestoreOptions.builder()
            .snapshot(snapshotId)
            .toTime(parseTime(toTime))
            .topics(TopicSelector.of(topics, null))
            .topicMap(TopicMap.parse(topicMap))
            .parallelism(parallelism)
            .dryRun(dryRun)
            .existingData(existingDataPolicy())
            .groups(
                groups == null
                    ? RestoreOptions.ALL_GROUPS
                    : TopicSelector.compile(groups, "--groups"))
            .dataOnly(dataOnly)
            .replicationFactor(replicationFactor())
            .configOverrides(configOverrides())
            .principals(PrincipalMap.parse(principalMap))
            .metadataOnly(metadataOnly)
            .partitions(PartitionCounts.parse(partitions))
            .skipDamaged(skipDamaged)
            .compression(compression)
            .aclsFromUnencryptedRepository(aclsFromUnencryptedRepository)
            .build();
    if (parallelism < 1) {
      throw KbackupException.usage(
          "--parallelism must be at least 1", "for example --parallelism 4");
    }
    Printer printer = new Printer(spec.commandLine().getOut());
    try (Repository r = repo.open()) {
      Progress progress = new Progress();
      RestoreResult result;
      try (ProgressLine line =
          dryRun ? ProgressLine.none() : ProgressLine.start("restore", progress, spec, json)) {
        result = new Restore(r, kafka.connection(), options).watchedBy(progress).run();
      }
      metrics.restore(r, result);
      if (json) {
        printer.json(summary(result));
      } else {
        print(printer, result);
      }
      // the records are in, but a group left alone or damaged data skipped is work left undone
      boolean groupsSkipped = result.groups().stream().anyMatch(g -> g.skippedBecause() != null);
      boolean partial = groupsSkipped || !result.damaged().isEmpty();
      return partial && !result.dryRun() ? io.kbackup.error.ExitCode.PARTIAL : 0;
    }
  }

  private Integer replicationFactor() {
    if (replicationFactor != null
        && (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE)) {
      throw KbackupException.usage(
          "--replication-factor must be at least 1, not " + replicationFactor,
          "for example --replication-factor 3");
    }
    return replicationFactor;
  }

  static Map<String, String> parseConfigs(List<String> configs) {
    return parseConfigs(configs, "--config");
  }

  static Map<String, String> parseConfigs(List<String> configs, String option) {
    Map<String, String> parsed = new LinkedHashMap<>();
    for (String c : configs) {
      int eq = c.indexOf('=');
      if (eq <= 0 || !c.substring(0, eq).matches("[a-z0-9._-]+")) {
        throw KbackupException.usage(
            option + " '" + c + "' is not KEY=VALUE with a Kafka config name",
            "for example --config min.insync.replicas=1");
      }
      parsed.put(c.substring(0, eq), c.substring(eq + 1));
    }
    return parsed;
  }

  private Map<String, String> configOverrides() {
    return parseConfigs(configs);
  }

  private ExistingDataPolicy existingDataPolicy() {
    return switch (ifNotEmpty) {
      case "fail" -> ExistingDataPolicy.FAIL;
      case "append" -> ExistingDataPolicy.APPEND;
      default ->
          throw KbackupException.usage(
              "--if-not-empty must be fail or append, not " + ifNotEmpty,
              "for example --if-not-empty=append");
    };
  }

  static Instant parseTime(String text) {
    if (text == null) {
      return null;
    }
    try {
      if (text.matches("\\d+")) {
        return Instant.ofEpochMilli(Long.parseLong(text));
      }
      return java.time.OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException | NumberFormatException e) {
      throw KbackupException.usage(
          "--to-time '" + text + "' is not a time",
          "use ISO-8601 with a zone, such as 2026-11-26T10:00:00Z, or epoch milliseconds");
    }
  }

  private static Map<String, Object> summary(RestoreResult result) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("snapshot", result.snapshotId());
    s.put("dryRun", result.dryRun());
    s.put("createdTopics", result.createdTopics());
    s.put("plannedRecords", result.plannedRecords());
    s.put("plannedBytes", result.plannedBytes());
    s.put("recordsSent", result.recordsSent());
    s.put("recordsAlreadyPresent", result.recordsAlreadyPresent());
    s.put("seconds", result.elapsed().toMillis() / 1000.0);
    s.put("restoreId", result.stateId());
    s.put("notes", result.notes());
    s.put("plannedChanges", result.plannedChanges());
    List<Map<String, Object>> groupOutcomes = new ArrayList<>();
    for (var g : result.groups()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("group", g.groupId());
      Map<String, Long> offsets = new LinkedHashMap<>();
      g.offsets().forEach((tp, offset) -> offsets.put(tp.toString(), offset));
      row.put("offsets", offsets);
      row.put("skipped", g.skippedBecause());
      groupOutcomes.add(row);
    }
    s.put("groups", groupOutcomes);
    s.put("damaged", result.damaged());
    return s;
  }

  private static void print(Printer printer, RestoreResult result) {
    List<List<String>> rows = new ArrayList<>();
    for (PartitionRestore p : result.plan()) {
      rows.add(
          List.of(
              p.source().toString(),
              p.target().toString()
                  + (result.createdTopics().contains(p.target().topic()) ? " (new)" : ""),
              p.startOffset() + ".." + p.stopOffset(),
              Long.toString(p.recordCount()),
              Printer.bytes(p.storedBytes())));
    }
    if (result.dryRun()) {
      printer.line(
          "dry run of restoring snapshot " + result.snapshotId() + ": nothing was changed");
      result.plannedChanges().forEach(line -> printer.line("would " + line));
    }
    printer.table(List.of("SOURCE", "TARGET", "OFFSETS", "RECORDS", "STORED"), rows);
    if (result.dryRun()) {
      printer.line(
          String.format(
              "would restore %d records (%s stored)",
              result.plannedRecords(), Printer.bytes(result.plannedBytes())));
    } else {
      double seconds = Math.max(0.001, result.elapsed().toMillis() / 1000.0);
      printer.line(
          String.format(
              "restored %d records (%s) from snapshot %s in %.1f s%s; restore id %s",
              result.recordsSent(),
              Printer.bytes(result.payloadBytes()),
              result.snapshotId(),
              seconds,
              result.recordsAlreadyPresent() > 0
                  ? ", "
                      + result.recordsAlreadyPresent()
                      + " were already restored by an earlier run"
                  : "",
              result.stateId()));
    }
    for (var g : result.groups()) {
      String offsets =
          g.offsets().entrySet().stream()
              .map(e -> e.getKey() + "@" + e.getValue())
              .collect(java.util.stream.Collectors.joining(", "));
      if (g.skippedBecause() != null) {
        if (result.dryRun()) {
          printer.line(
              "would leave consumer group "
                  + Untrusted.text(g.groupId())
                  + " alone: "
                  + g.skippedBecause());
        }
      } else {
        printer.line(
            (result.dryRun() ? "would set consumer group " : "consumer group ")
                + Untrusted.text(g.groupId())
                + (result.dryRun() ? " to " : " set to ")
                + offsets);
      }
    }
    result.notes().forEach(n -> printer.line("note: " + n));
    result.damaged().forEach(d -> printer.line("skipped damaged data: " + d));
  }
}

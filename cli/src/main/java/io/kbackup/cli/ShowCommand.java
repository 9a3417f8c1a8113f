package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import io.kbackup.error.Untrusted;
import io.kbackup.repository.ClusterMetadata;
import io.kbackup.repository.GroupOffset;
import io.kbackup.repository.GroupSnapshot;
import io.kbackup.repository.IncludedFile;
import io.kbackup.repository.Json;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Prints what one snapshot holds: its topics with their configs, its consumer groups, and the
 * cluster's ACLs, quotas, SCRAM users and broker configs.
 */
@Command(
    name = "show",
    description =
        "Show what a snapshot holds: topics, configs, consumer groups, ACLs, quotas and broker"
            + " configs.")
final class ShowCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;

  @Parameters(
      index = "0",
      arity = "0..1",
      defaultValue = "latest",
      paramLabel = "SNAPSHOT",
      description = "Snapshot id or latest (default).")
  String snapshotId;

  @Option(
      names = "--file",
      paramLabel = "NAME",
      description = "Print a file kept with the snapshot.")
  String file;

  @Option(names = "--json", description = "Print the snapshot's manifest as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Printer out = new Printer(spec.commandLine().getOut());
    try (Repository r = repo.open()) {
      SnapshotManifest s = r.snapshot(snapshotId);
      if (file != null) {
        IncludedFile f =
            s.files().stream()
                .filter(x -> x.name().equals(file))
                .findFirst()
                .orElseThrow(
                    () ->
                        KbackupException.usage(
                            "snapshot " + s.id() + " keeps no file " + file,
                            "the files it keeps: "
                                + s.files().stream().map(x -> Untrusted.text(x.name())).toList()));
        // streamed: the file may be as large as the one kept, and is never held whole
        try (java.io.Reader in =
            new java.io.InputStreamReader(r.storage().get(f.key()), StandardCharsets.UTF_8)) {
          in.transferTo(spec.commandLine().getOut());
        }
        spec.commandLine().getOut().flush();
        return 0;
      }
      if (json) {
        out.line(new String(Json.write(s), StandardCharsets.UTF_8));
        return 0;
      }
      out.line("snapshot " + s.id());
      out.line("  created     " + s.createdAt());
      out.line("  cut         " + s.cutTime());
      out.line("  cluster     " + Untrusted.text(s.clusterId()));
      out.line("  kbackup     " + s.toolVersion());
      out.line("  based on    " + (s.parentId() == null ? "-" : s.parentId()));
      out.line("  records     " + s.recordCount() + " in " + s.partitionCount() + " partitions");
      out.line("  stored      " + Printer.bytes(s.storedBytes()));
      out.line("  ACLs        " + s.cluster().acls().size());
      s.cluster().acls().forEach(a -> out.line("    " + acl(a)));
      out.line("  quotas      " + s.cluster().quotas().size() + " client entities");
      s.cluster().quotas().forEach(q -> out.line("    " + quota(q)));
      out.line("  SCRAM users " + s.cluster().scramUsers().stream().map(u -> u.name()).toList());
      new java.util.TreeMap<>(s.cluster().brokerConfigs())
          .forEach(
              (broker, configs) -> {
                String name = broker.isEmpty() ? "broker defaults" : "broker " + broker;
                Map<Boolean, List<ClusterMetadata.ConfigValue>> byOrigin =
                    configs.stream()
                        .collect(
                            Collectors.partitioningBy(
                                c -> c.source() != null && c.source().startsWith("STATIC")));
                if (!byOrigin.get(false).isEmpty()) {
                  out.line("  " + name + " dynamic configs: " + values(byOrigin.get(false)));
                }
                if (!byOrigin.get(true).isEmpty()) {
                  out.line("  " + name + " server.properties: " + values(byOrigin.get(true)));
                }
              });
      s.cluster().notes().forEach(n -> out.line("  note: " + n));
      s.files()
          .forEach(
              f ->
                  out.line(
                      "  file        " + Untrusted.text(f.name()) + " (" + f.size() + " bytes)"));
      out.line("");
      List<List<String>> topics = new ArrayList<>();
      for (TopicSnapshot t : s.topics()) {
        long stored =
            t.partitions().stream()
                .flatMap(p -> p.segments().stream())
                .mapToLong(x -> x.size() + x.indexSize())
                .sum();
        topics.add(
            List.of(
                t.name(),
                Integer.toString(t.partitionCount()),
                Integer.toString(t.replicationFactor()),
                Long.toString(t.recordCount()),
                Printer.bytes(stored),
                configs(t.configs())));
      }
      out.table(List.of("TOPIC", "PARTITIONS", "REPLICAS", "RECORDS", "STORED", "CONFIGS"), topics);
      out.line("");
      if (s.groups().isEmpty()) {
        out.line("no consumer group had committed offsets on these topics");
        return 0;
      }
      List<List<String>> groups = new ArrayList<>();
      for (GroupSnapshot g : s.groups()) {
        groups.add(
            List.of(
                g.groupId(),
                String.valueOf(g.state()),
                g.offsets().stream().map(ShowCommand::offset).collect(Collectors.joining(" "))));
      }
      out.table(List.of("GROUP", "STATE", "COMMITTED OFFSETS"), groups);
    }
    return 0;
  }

  private static String acl(ClusterMetadata.AclEntry a) {
    return a.principal()
        + " "
        + a.permission()
        + " "
        + a.operation()
        + " on "
        + a.resourceType()
        + " "
        + a.resourceName()
        + " ("
        + a.patternType()
        + ") from "
        + a.host();
  }

  private static String quota(ClusterMetadata.QuotaEntry q) {
    return new java.util.TreeMap<>(q.entity())
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + (e.getValue() == null ? "(default)" : e.getValue()))
                .collect(Collectors.joining(","))
        + ": "
        + new java.util.TreeMap<>(q.values())
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
  }

  private static List<String> values(List<ClusterMetadata.ConfigValue> configs) {
    return configs.stream()
        .map(c -> c.name() + "=" + (c.sensitive() ? "(sensitive)" : c.value()))
        .toList();
  }

  private static String offset(GroupOffset o) {
    return o.topic() + "-" + o.partition() + "@" + o.offset();
  }

  private static String configs(Map<String, String> configs) {
    return configs.isEmpty()
        ? "-"
        : new java.util.TreeMap<>(configs)
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
  }
}

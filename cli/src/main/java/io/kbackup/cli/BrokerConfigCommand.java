package io.kbackup.cli;

import io.kbackup.metadata.BrokerConfigFile;
import io.kbackup.repository.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "broker-config",
    description =
        "Write a server.properties for a broker at a new site from a snapshot's broker configs.")
final class BrokerConfigCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;

  @Option(
      names = "--snapshot",
      defaultValue = "latest",
      description = "Snapshot id or latest (default).")
  String snapshotId;

  @Option(
      names = "--broker",
      paramLabel = "ID",
      description = "Source broker to start from (default: the lowest id).")
  String broker;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "A setting of the new broker, such as node.id=4; repeatable.")
  List<String> set = new ArrayList<>();

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Write to FILE instead of standard output.")
  Path output;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    var values = RestoreCommand.parseConfigs(set, "--set");
    try (Repository r = repo.open()) {
      List<String> lines = BrokerConfigFile.lines(r.snapshot(snapshotId), broker, values);
      if (output != null) {
        Files.write(output, lines);
        new Printer(spec.commandLine().getOut()).line("wrote " + output);
      } else {
        Printer out = new Printer(spec.commandLine().getOut());
        lines.forEach(out::line);
      }
    }
    return 0;
  }
}

package io.kbackup.cli;

import io.kbackup.doctor.Doctor;
import io.kbackup.doctor.Finding;
import io.kbackup.doctor.Purpose;
import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.storage.Storage;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Checks what a backup or restore needs, before one runs. */
@Command(
    name = "doctor",
    description =
        "Check that a backup (or restore) would work: the cluster, the principal's permissions,"
            + " the repository, its locks and free space. Exit 1 when anything is fatal.")
final class DoctorCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;
  @Mixin KafkaOptions kafka;

  @Option(names = "--topics", paramLabel = "REGEX", description = "Topics to check (default: all).")
  String topics;

  @Option(names = "--exclude", paramLabel = "REGEX", description = "Topics to leave out.")
  String exclude;

  @Option(
      names = "--for",
      split = ",",
      paramLabel = "backup|restore",
      description = "The commands whose permissions to check (default: backup).")
  List<String> purposes = new ArrayList<>(List.of("backup"));

  @Option(names = "--json", description = "Print the findings as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Doctor.Options options = new Doctor.Options(TopicSelector.of(topics, exclude), purposes());
    List<Finding> findings = new ArrayList<>();
    Finding unreachable = null;
    Storage storage = null;
    try {
      storage = repo.storage();
    } catch (KbackupException e) {
      unreachable = Finding.fatal("repository", e.getMessage(), e.hint());
    }
    try {
      findings.addAll(new Doctor(kafka.connection(), storage, repo.password::get, options).run());
    } finally {
      if (storage != null) {
        storage.close();
      }
    }
    if (unreachable != null) {
      findings.add(unreachable);
    }
    print(new Printer(spec.commandLine().getOut()), findings);
    return Doctor.anyFatal(findings) ? ExitCode.FAILED : ExitCode.OK;
  }

  private Set<Purpose> purposes() {
    Set<Purpose> set = EnumSet.noneOf(Purpose.class);
    for (String p : purposes) {
      try {
        set.add(Purpose.valueOf(p.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw KbackupException.usage(
            "--for " + p + " is not a command doctor checks", "use --for backup,restore");
      }
    }
    return set;
  }

  private void print(Printer out, List<Finding> findings) {
    if (json) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (Finding f : findings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("severity", f.severity().name());
        m.put("title", f.title());
        m.put("details", f.details());
        m.put("remedy", f.remedy());
        list.add(m);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("fatal", Doctor.anyFatal(findings));
      result.put("findings", list);
      out.json(result);
      return;
    }
    for (Finding f : findings) {
      out.line(String.format("%-5s  %s: %s", f.severity().label(), f.title(), f.details()));
      if (f.remedy() != null) {
        out.line("       " + f.remedy());
      }
    }
  }
}

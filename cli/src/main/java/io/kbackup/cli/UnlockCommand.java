package io.kbackup.cli;

import io.kbackup.error.Untrusted;
import io.kbackup.repository.Repository;
import io.kbackup.repository.lock.LockInfo;
import io.kbackup.repository.lock.RepositoryLock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Removes locks whose holders are gone, or on request every lock. */
@Command(
    name = "unlock",
    description =
        "Remove stale locks: those of a process of this host that no longer runs, or not refreshed"
            + " for 30 minutes.")
final class UnlockCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;

  @Option(
      names = "--remove-all",
      description =
          "Remove every lock, also of commands that may still run; only when you know they do not.")
  boolean all;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Printer out = new Printer(spec.commandLine().getOut());
    try (Repository r = repo.open()) {
      List<String> damaged = all ? RepositoryLock.removeDamaged(r.storage()) : List.of();
      damaged.forEach(key -> out.line("removed damaged lock object " + Untrusted.text(key)));
      List<LockInfo> removed = RepositoryLock.remove(r.storage(), all);
      removed.forEach(l -> out.line("removed lock of " + l.describe()));
      List<LockInfo> left = RepositoryLock.list(r.storage());
      left.forEach(l -> out.line("kept lock of " + l.describe() + ": its holder may still run"));
      if (damaged.isEmpty() && removed.isEmpty() && left.isEmpty()) {
        out.line("the repository has no locks");
      }
    }
    return 0;
  }
}

package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import io.kbackup.error.Untrusted;
import io.kbackup.repository.Repository;
import io.kbackup.repository.crypto.KeySlot;
import io.kbackup.repository.crypto.KeySlots;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The key slots of an encrypted repository: one per passphrase. */
@Command(
    name = "key",
    description = "List, add or remove the passphrases (key slots) of an encrypted repository.",
    subcommands = {KeyCommand.List.class, KeyCommand.Add.class, KeyCommand.Remove.class})
final class KeyCommand implements Runnable {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", description = "List the key slots.")
  static final class List implements Callable<Integer> {
    @Mixin RepositoryOption repo;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      try (Repository r = repo.open()) {
        String current = r.keys().slot().id();
        java.util.List<java.util.List<String>> rows = new ArrayList<>();
        for (KeySlot s : KeySlots.list(r.storage())) {
          rows.add(
              java.util.List.of(
                  s.id(),
                  Untrusted.text(s.createdAt()),
                  s.kdf() + " " + s.memoryKiB() / 1024 + " MiB x" + s.iterations(),
                  s.id().equals(current) ? "this passphrase" : ""));
        }
        new Printer(spec.commandLine().getOut())
            .table(java.util.List.of("SLOT", "CREATED", "KDF", ""), rows);
      }
      return 0;
    }
  }

  @Command(name = "add", description = "Add a passphrase; the data is not rewritten.")
  static final class Add implements Callable<Integer> {
    @Mixin RepositoryOption repo;

    @Option(
        names = "--new-password-file",
        paramLabel = "FILE",
        description =
            "File whose first line is the new passphrase (or set KBACKUP_NEW_PASSWORD_FILE,"
                + " KBACKUP_NEW_PASSWORD_COMMAND or KBACKUP_NEW_PASSWORD).")
    Path newPasswordFile;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      String added =
          PassphraseOption.resolve(newPasswordFile, "KBACKUP_NEW_PASSWORD", System.getenv());
      if (added == null) {
        throw KbackupException.usage(
            "no new passphrase given",
            "give --new-password-file FILE, or set KBACKUP_NEW_PASSWORD_FILE,"
                + " KBACKUP_NEW_PASSWORD_COMMAND or KBACKUP_NEW_PASSWORD");
      }
      try (Repository r = repo.open()) {
        KeySlot slot = KeySlots.add(r.storage(), r.keys().masterKey(), added, r.config().id());
        new Printer(spec.commandLine().getOut()).line("added key slot " + slot.id());
      }
      return 0;
    }
  }

  @Command(name = "remove", description = "Remove a passphrase's key slot.")
  static final class Remove implements Callable<Integer> {
    @Mixin RepositoryOption repo;

    @Parameters(paramLabel = "SLOT", description = "The slot id, as `key list` shows it.")
    String slotId;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      try (Repository r = repo.open()) {
        KeySlots.remove(r.storage(), slotId, r.keys());
        new Printer(spec.commandLine().getOut()).line("removed key slot " + slotId);
      }
      return 0;
    }
  }
}

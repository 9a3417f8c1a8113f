package io.kbackup.doctor;

import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/**
 * The cheap part of the doctor that a backup runs before it starts: every permission it needs, so
 * that a principal lacking some is told all of them at once instead of failing halfway.
 */
public final class Preflight {

  private Preflight() {}

  /** Fails, naming every missing permission and the command granting each, when any is missing. */
  public static void beforeBackup(KafkaConnection kafka, Admin admin, TopicSelector topics) {
    List<Permission> missing =
        new PermissionCheck(kafka, admin).run(topics, Set.of(Purpose.BACKUP)).missing();
    if (!missing.isEmpty()) {
      throw notAuthorized(kafka, "back up", missing);
    }
  }

  static KbackupException notAuthorized(
      KafkaConnection kafka, String what, List<Permission> missing) {
    String principal = kafka.principal().orElse(null);
    String grants =
        missing.stream()
            .map(
                p ->
                    "    "
                        + p.aclCommand(
                            kafka.bootstrapServers(), principal == null ? "User:NAME" : principal))
            .collect(Collectors.joining(System.lineSeparator()));
    return KbackupException.failed(
        "not authorized to "
            + what
            + ": "
            + (principal == null ? "this client's principal" : principal)
            + " may not "
            + missing.stream().map(Permission::describe).collect(Collectors.joining(", ")),
        "grant "
            + (missing.size() == 1 ? "it" : "them")
            + " (as an administrator):"
            + System.lineSeparator()
            + grants,
        null);
  }
}

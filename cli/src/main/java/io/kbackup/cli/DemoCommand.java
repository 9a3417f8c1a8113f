package io.kbackup.cli;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.backup.BackupResult;
import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.repository.Repository;
import io.kbackup.restore.Restore;
import io.kbackup.restore.RestoreOptions;
import io.kbackup.restore.RestoreResult;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The first thing a new user runs: a real Kafka broker on loopback, sample topics, a backup, the
 * topics deleted, a restore, and every record compared.
 */
@Command(
    name = "demo",
    description =
        "Start a local Kafka, back up sample topics, delete them, restore and compare every record.")
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Where to keep the broker and repository (default: a new temporary directory).")
  Path dir;

  /** Records per partition the demo holds in memory, twice, within the default heap of 512 MiB. */
  private static final int MAX_RECORDS = 50_000;

  @Option(
      names = "--records",
      defaultValue = "2000",
      description =
          "Records per partition of the orders topic, at most 50000 (default: ${DEFAULT-VALUE}).")
  int records;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (records < 1 || records > MAX_RECORDS) {
      throw KbackupException.usage(
          "--records " + records + " is not between 1 and " + MAX_RECORDS,
          "the demo holds every record in memory to compare it; give at most " + MAX_RECORDS);
    }
    Printer out = new Printer(spec.commandLine().getOut());
    Path base =
        dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("kbackup-demo-");
    Path repoDir = base.resolve("repository");
    out.line("starting a local Kafka broker in " + base.resolve("kafka") + " ...");
    Instant t0 = Instant.now();
    try (LocalKafka kafka = LocalKafka.start(base.resolve("kafka"))) {
      Duration startup = Duration.between(t0, Instant.now());
      out.line("broker ready at " + kafka.bootstrapServers() + " in " + seconds(startup));
      SampleTopics.write(kafka.bootstrapServers(), "", records);
      List<String> topics = SampleTopics.names("");
      Map<String, List<TopicContents.Entry>> before = new HashMap<>();
      long count = 0;
      for (String t : topics) {
        before.put(t, TopicContents.read(kafka.bootstrapServers(), t));
        count += before.get(t).size();
      }
      out.line(
          "wrote "
              + count
              + " sample records to "
              + String.join(", ", topics)
              + " (null and empty keys and values, tombstones, duplicate and null headers, old timestamps, log-append time, committed and aborted transactions)");

      KafkaConnection connection = KafkaConnection.of(kafka.bootstrapServers());
      Repository repository =
          Repository.init(new FileSystemStorage(repoDir), SegmentSettings.defaults());
      BackupResult backup =
          new Backup(repository, connection, new BackupOptions(TopicSelector.all(), false)).run();
      out.line(
          "backup: snapshot "
              + backup.snapshot().id()
              + ", "
              + backup.snapshot().recordCount()
              + " records, "
              + Printer.bytes(backup.bytesWritten())
              + " stored, in "
              + seconds(backup.elapsed()));

      Instant d0 = Instant.now();
      deleteTopics(kafka.bootstrapServers(), topics);
      out.line("deleted the topics in " + seconds(Duration.between(d0, Instant.now())));

      RestoreResult restore =
          new Restore(repository, connection, RestoreOptions.builder().build()).run();
      out.line(
          "restore: "
              + restore.recordsSent()
              + " records into "
              + restore.createdTopics().size()
              + " new topics in "
              + seconds(restore.elapsed()));
      restore.groups().stream()
          .filter(g -> g.skippedBecause() == null)
          .forEach(g -> out.line("  consumer group " + g.groupId() + " set to " + g.offsets()));
      restore.notes().forEach(n -> out.line("  " + n));

      int mismatches = 0;
      for (String t : topics) {
        List<TopicContents.Entry> after = TopicContents.read(kafka.bootstrapServers(), t);
        List<TopicContents.Entry> expected =
            before.get(t).stream().map(DemoCommand::comparable).toList();
        List<TopicContents.Entry> actual = after.stream().map(DemoCommand::comparable).toList();
        boolean same = expected.equals(actual);
        out.line(
            String.format(
                "  %-10s %6d records before, %6d after: %s",
                t, expected.size(), actual.size(), same ? "identical" : "DIFFERENT"));
        if (!same) {
          mismatches++;
        }
      }
      out.line(
          "note: offsets of the payments topic differ where aborted transactions left gaps; the restore recorded the exact offset map");
      out.line(
          "note: the audit topic used log-append time; its records keep their timestamps as create time");
      out.line("repository: " + repoDir);
      if (mismatches > 0) {
        throw KbackupException.failed(
            mismatches + " topics differ after the restore",
            "run again with --verbose and report it",
            null);
      }
      out.line("demo passed: every record restored exactly");
    }
    return 0;
  }

  /** Fields a restore keeps exactly; log-append time becomes create time with the same value. */
  private static TopicContents.Entry comparable(TopicContents.Entry e) {
    return new TopicContents.Entry(
        e.partition(), -1, e.timestamp(), "", e.key(), e.value(), e.headers());
  }

  private static void deleteTopics(String bootstrap, List<String> topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.deleteTopics(topics).all().get();
      Instant deadline = Instant.now().plusSeconds(60);
      while (admin.listTopics().names().get().stream().anyMatch(topics::contains)) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("topics were not deleted within 60 s");
        }
        Thread.sleep(100);
      }
    }
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }
}

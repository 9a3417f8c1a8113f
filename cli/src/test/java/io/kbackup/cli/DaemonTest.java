package io.kbackup.cli;

import static io.kbackup.cli.BadInputTest.assertOneClearError;
import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.SharedKafka;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.storage.FileSystemStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon keeps the recovery point bounded with a continuous backup while producers write, lets
 * forget and prune run alone, and stops cleanly.
 */
class DaemonTest {

  @Test
  void continuousBackupsKeepTheLagBoundedAndSigtermStopsCleanly(@TempDir Path dir)
      throws Exception {
    String b = SharedKafka.primary().bootstrapServers();
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", b))) {
      admin.createTopics(List.of(new NewTopic("dmn-seq", 2, (short) 1))).all().get();
    }
    Path repoDir = dir.resolve("repo");
    assertThat(CliRunner.run("init", "--repo", repoDir.toString()).exitCode()).isZero();
    Path config = dir.resolve("kbackup.yml");
    Files.writeString(
        config,
        "repository:\n"
            + "  url: "
            + repoDir
            + "\n"
            + "cluster:\n"
            + "  bootstrapServers: ${DMN_BOOTSTRAP}\n"
            + "jobs:\n"
            + "  - name: continuous\n"
            + "    command: backup\n"
            + "    schedule: continuous\n"
            + "    options: {--topics: dmn-seq, --commit-every: 2s}\n"
            + "  - name: retention\n"
            + "    command: forget\n"
            + "    schedule: every 6s\n"
            + "    options: {--keep-last: 1000, --prune: true}\n"
            + "  - {name: lag, command: lag, schedule: every 3s, options: {--quiet: true}}\n"
            + "metrics:\n"
            + "  listen: 127.0.0.1:0\n"
            + "  file: "
            + dir.resolve("daemon.prom")
            + "\n");
    ProcessBuilder daemon =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "daemon",
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("daemon.log").toFile());
    daemon.environment().put("DMN_BOOTSTRAP", b);
    Process process = daemon.start();
    Repository repo = Repository.open(new FileSystemStorage(repoDir));
    long produced = 0;
    long worstLag = 0;
    try (KafkaProducer<byte[], byte[]> producer = TestTopics.producer(b)) {
      Instant until = Instant.now().plusSeconds(12);
      while (Instant.now().isBefore(until)) {
        for (int i = 0; i < 50; i++) {
          producer.send(
              new ProducerRecord<>(
                  "dmn-seq",
                  (int) (produced % 2),
                  null,
                  ("r" + produced).getBytes(StandardCharsets.UTF_8)));
          produced++;
        }
        producer.flush();
        Thread.sleep(100);
        var latest = repo.latestSnapshot();
        if (latest.isPresent() && Instant.now().isAfter(until.minusSeconds(8))) {
          long lag =
              Duration.between(Instant.parse(latest.get().cutTime()), Instant.now()).toMillis();
          worstLag = Math.max(worstLag, lag);
        }
      }
    }
    // every record is in a snapshot within a few intervals once producers stop
    Instant deadline = Instant.now().plusSeconds(20);
    while (repo.latestSnapshot().map(SnapshotManifest::recordCount).orElse(0L) < produced) {
      assertThat(Instant.now()).as("the daemon caught up").isBefore(deadline);
      Thread.sleep(200);
    }
    assertThat(repo.latestSnapshot().orElseThrow().recordCount()).isEqualTo(produced);
    assertThat(repo.snapshots().size()).isGreaterThanOrEqualTo(4);
    // the recovery point: --commit-every 2s plus a commit (2.2 s seen), with slack for 2 cores
    assertThat(worstLag).as("worst lag in ms").isLessThan(5_000);

    // the daemon serves the metrics its jobs keep
    String started = Files.readString(dir.resolve("daemon.log"));
    java.util.regex.Matcher port =
        java.util.regex.Pattern.compile("serving metrics on http://127.0.0.1:(\\d+)/metrics")
            .matcher(started);
    assertThat(port.find()).as(started).isTrue();
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String metrics =
        http.send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port.group(1) + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains(
            "kbackup_last_run_success{operation=\"backup\",repository=\"" + repoDir + "\"} 1");
    assertThat(metrics)
        .contains("kbackup_last_run_success{operation=\"lag\",repository=\"" + repoDir + "\"} 1")
        .contains("kbackup_backup_lag_records{repository=\"" + repoDir + "\",topic=\"dmn-seq\"}");
    io.kbackup.metrics.Promtool.Result check =
        io.kbackup.metrics.Promtool.run(metrics, "check", "metrics");
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(
            http.send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port.group(1) + "/health"))
                        .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString())
                .body())
        .isEqualTo("ok\n");

    process.destroy(); // SIGTERM
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    String log = Files.readString(dir.resolve("daemon.log"));
    assertThat(log).contains("job continuous: kbackup backup --continuous, runs all the time");
    // the quiet lag job ran and kept the metrics, and logged nothing
    assertThat(log).contains("job lag: kbackup lag, every 3s, next at ").doesNotContain("[lag]");
    // forget ran with the repository to itself: the continuous backup ended for it, then went on
    assertThat(log).contains("[retention] exit 0 after ");
    assertThat(log).doesNotContain("[retention] exit 11");
    assertThat(log).contains("[continuous] exit 0 after ");
    assertThat(repo.storage().list("locks/")).isEmpty();
  }

  @Test
  void aBadConfigIsExit2NamingTheKey(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("bad.yml");
    Files.writeString(
        config,
        "repository: {url: /tmp/x}\njobs:\n  - {name: a, command: prune, schedule: \"0 * * * *\", colour: red}\n");
    assertOneClearError(
        CliRunner.run("daemon", "--config", config.toString(), "--check"),
        2,
        "jobs[0].colour is not a setting");
    Files.writeString(
        config,
        "repository: {url: \"${KBACKUP_TEST_UNSET_VARIABLE}\"}\njobs:\n  - {command: prune, schedule: \"0 * * * *\"}\n");
    assertOneClearError(
        CliRunner.run("daemon", "--config", config.toString(), "--check"),
        2,
        "repository.url uses ${KBACKUP_TEST_UNSET_VARIABLE}, which is not set");
    Files.writeString(
        config,
        "repository: {url: /tmp/x}\njobs:\n  - {name: p, command: prune, schedule: \"0 * * * *\", options: {--gracefully: 1h}}\n");
    assertOneClearError(
        CliRunner.run("daemon", "--config", config.toString(), "--check"),
        2,
        "job p: Unknown options: '--gracefully'");
    Files.writeString(
        config, "repository: {url: /tmp/x}\njobs:\n  - {command: prune, schedule: continuous}\n");
    assertOneClearError(
        CliRunner.run("daemon", "--config", config.toString(), "--check"),
        2,
        "jobs[0].schedule: only a backup job can be continuous");
    Files.writeString(
        config, "repository: {url: /tmp/x}\njobs:\n  - {command: prune, schedule: hourly}\n");
    assertOneClearError(
        CliRunner.run("daemon", "--config", config.toString(), "--check"),
        2,
        "job prune-0 schedule: 'hourly' is not a schedule");
    Files.writeString(
        config,
        "repository: {url: /tmp/x}\njobs:\n  - {command: prune, schedule: \"0 * * * *\", options: {--grace: 2h}}\n");
    CliRunner.Result ok = CliRunner.run("daemon", "--config", config.toString(), "--check");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.out()).startsWith("job prune-0: kbackup prune, 0 * * * * (UTC), next at ");
    // with a cluster and metrics, a lag job keeps the lag in records fresh
    Files.writeString(
        config,
        "repository: {url: /tmp/x}\ncluster: {bootstrapServers: \"127.0.0.1:9092\"}\n"
            + "metrics: {listen: \"127.0.0.1:0\"}\n"
            + "jobs:\n  - {command: backup, schedule: continuous}\n");
    CliRunner.Result lag = CliRunner.run("daemon", "--config", config.toString(), "--check");
    assertThat(lag.exitCode()).as(lag.err()).isZero();
    assertThat(lag.out().lines())
        .hasSize(2)
        .contains("job backup-0: kbackup backup --continuous, runs all the time")
        .anyMatch(l -> l.startsWith("job lag: kbackup lag, every 60s, next at "));
  }
}

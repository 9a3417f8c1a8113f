package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.metrics.MetricsText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --metrics-file: the node_exporter textfile a run leaves behind, after success and failure. */
class MetricsFileTest {

  static LocalKafka kafka;
  @TempDir static Path dir;
  static String repo;

  @BeforeAll
  static void sampleTopics() throws Exception {
    kafka = SharedKafka.primary();
    SampleTopics.write(kafka.bootstrapServers(), "mf-", 10);
    repo = dir.resolve("repo").toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
  }

  static double value(Path file, String name, Map<String, String> labels) throws Exception {
    return MetricsText.read(file).stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + labels + " not in " + file))
        .value();
  }

  @Test
  void backupWritesItsMetricsAndFailuresCountOnInTheSameFile() throws Exception {
    Path file = dir.resolve("kbackup_backup.prom");
    Map<String, String> job = Map.of("operation", "backup", "repository", repo);
    Map<String, String> repository = Map.of("repository", repo);

    // given a successful backup
    Instant before = Instant.now();
    CliRunner.Result ok =
        CliRunner.run(
            "backup",
            "--repo",
            repo,
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            "mf-.*",
            "--json",
            "--metrics-file",
            file.toString());
    Instant after = Instant.now();
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    JsonNode summary = ok.summary();

    // then the file holds its exact counts
    assertThat(value(file, "kbackup_records_read_total", job)).isEqualTo(80);
    assertThat(value(file, "kbackup_records_written_total", job)).isEqualTo(80);
    assertThat(value(file, "kbackup_bytes_read_total", job))
        .isEqualTo(summary.get("bytesRead").asLong());
    assertThat(value(file, "kbackup_bytes_written_total", job))
        .isEqualTo(summary.get("bytesWritten").asLong());
    double success = value(file, "kbackup_last_success_timestamp_seconds", job);
    assertThat(success).isBetween(before.toEpochMilli() / 1000.0, after.toEpochMilli() / 1000.0);
    assertThat(value(file, "kbackup_last_run_timestamp_seconds", job)).isEqualTo(success);
    assertThat(value(file, "kbackup_last_duration_seconds", job))
        .isBetween(
            summary.get("seconds").asDouble(),
            (after.toEpochMilli() - before.toEpochMilli()) / 1000.0);
    assertThat(value(file, "kbackup_last_run_success", job)).isEqualTo(1);
    assertThat(value(file, "kbackup_failures_total", job)).isZero();
    assertThat(value(file, "kbackup_consecutive_failures", job)).isZero();
    assertThat(value(file, "kbackup_repository_snapshots", repository)).isEqualTo(1);
    assertThat(value(file, "kbackup_repository_stored_bytes", repository))
        .isEqualTo(summary.get("bytesWritten").asLong());
    assertThat(value(file, "kbackup_repository_free_bytes", repository)).isPositive();
    for (String topic : SampleTopics.names("mf-")) {
      assertThat(
              value(file, "kbackup_backup_lag_records", Map.of("repository", repo, "topic", topic)))
          .isZero();
    }

    // when the next two backups cannot reach Kafka
    for (int failure = 1; failure <= 2; failure++) {
      CliRunner.Result failed =
          CliRunner.run(
              "backup",
              "--repo",
              repo,
              "-b",
              "127.0.0.1:1",
              "--timeout",
              "2",
              "--metrics-file",
              file.toString());
      // then the exit code and the one-line error are those of any failed backup
      assertThat(failed.exitCode()).isEqualTo(1);
      assertThat(failed.err()).startsWith("kbackup: error: cannot reach Kafka at 127.0.0.1:1");
      assertThat(failed.err().lines()).hasSize(2);
      // and the failures count on, keeping what the successful run wrote
      assertThat(value(file, "kbackup_failures_total", job)).isEqualTo(failure);
      assertThat(value(file, "kbackup_consecutive_failures", job)).isEqualTo(failure);
      assertThat(value(file, "kbackup_last_run_success", job)).isZero();
      assertThat(value(file, "kbackup_last_exit_code", job)).isEqualTo(1);
      assertThat(value(file, "kbackup_last_success_timestamp_seconds", job)).isEqualTo(success);
      assertThat(value(file, "kbackup_last_run_timestamp_seconds", job)).isGreaterThan(success);
      assertThat(value(file, "kbackup_records_read_total", job)).isEqualTo(80);
    }

    // a verify writing to the same file keeps the backup's metrics beside its own
    CliRunner.Result verify =
        CliRunner.run("verify", "--repo", repo, "--level", "2", "--metrics-file", file.toString());
    assertThat(verify.exitCode()).as(verify.err()).isZero();
    assertThat(value(file, "kbackup_verify_problems", repository)).isZero();
    assertThat(value(file, "kbackup_verify_level", repository)).isEqualTo(2);
    assertThat(
            value(
                file,
                "kbackup_last_run_success",
                Map.of("operation", "verify", "repository", repo)))
        .isEqualTo(1);
    assertThat(value(file, "kbackup_consecutive_failures", job)).isEqualTo(2);
    try (var files = Files.list(dir)) {
      assertThat(files.filter(f -> f.getFileName().toString().contains(".prom")).toList())
          .containsExactly(file);
    }
  }

  @Test
  void metricsFileInAMissingDirectoryIsAUsageErrorBeforeAnyWork() throws Exception {
    Path file = dir.resolve("no-such-dir/kbackup_prune.prom");
    CliRunner.Result r = CliRunner.run("prune", "--repo", repo, "--metrics-file", file.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .startsWith(
            "kbackup: error: --metrics-file "
                + file
                + ": the directory "
                + file.getParent()
                + " does not exist or is not writable");
    assertThat(r.err().lines()).hasSize(2);
    assertThat(r.out()).isEmpty();
    assertThat(file.getParent()).doesNotExist();
  }

  @Test
  void metricsFileThatIsADirectoryIsAUsageError(@TempDir Path scratch) throws Exception {
    Path file = Files.createDirectories(scratch.resolve("a-directory.prom"));
    CliRunner.Result r = CliRunner.run("prune", "--repo", repo, "--metrics-file", file.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("kbackup: error: --metrics-file " + file + " cannot be read");
    assertThat(r.err().lines()).hasSize(2);
  }

  @Test
  void metricsFileOnAFullDiskFailsTheRunAfterItsWork(@TempDir Path scratch) throws Exception {
    Path mount = Files.createDirectories(scratch.resolve("tiny-disk"));
    org.junit.jupiter.api.Assumptions.assumeTrue(
        FullDiskTest.run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString()) == 0,
        "mounting a tmpfs needs root");
    try {
      try (var out = Files.newOutputStream(mount.resolve("filler"))) {
        byte[] block = new byte[4096];
        while (true) {
          out.write(block);
          out.flush();
        }
      } catch (java.io.IOException full) {
        // the disk is full
      }
      Path file = mount.resolve("kbackup_prune.prom");
      CliRunner.Result r =
          CliRunner.run("prune", "--repo", repo, "--metrics-file", file.toString());
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.out()).contains("no snapshot needs");
      assertThat(r.err())
          .startsWith("kbackup: error: cannot write the metrics file " + file + ": ")
          .contains("the command itself finished");
      assertThat(r.err().lines()).hasSize(2);
      try (var files = Files.list(mount)) {
        assertThat(files.toList()).containsExactly(mount.resolve("filler"));
      }
    } finally {
      assertThat(FullDiskTest.run("umount", mount.toString())).isZero();
    }
  }

  @Test
  void theRepositoryLabelIsTheLocationWithoutUserInformation() {
    assertThat(MetricsFileOption.label("s3://key:secret@bucket/prefix"))
        .isEqualTo("s3://bucket/prefix");
    assertThat(MetricsFileOption.label("azure://container/prefix"))
        .isEqualTo("azure://container/prefix");
    assertThat(MetricsFileOption.label("/backups/kafka")).isEqualTo("/backups/kafka");
  }
}

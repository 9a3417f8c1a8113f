package io.kbackup.metrics;

import io.kbackup.backup.BackupResult;
import io.kbackup.drill.DrillResult;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import io.kbackup.restore.RestoreResult;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.verify.VerifyReport;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The metrics of kbackup's jobs, in a registry of their own: what a scrape of the daemon or a
 * node_exporter textfile written after a CLI run shows. Every metric is named {@code kbackup_*} in
 * base units and labelled with the repository's location, which never holds a secret, and the job
 * ({@link #OPERATION}) or topic.
 */
public final class KbackupMetrics {

  /**
   * The label naming the job: backup, restore, verify, drill, forget, prune or copy. Not {@code
   * job}, which Prometheus sets on every scraped series to the scrape job's name: a metric's own
   * {@code job} label would be renamed {@code exported_job}, and alert rules matching on it would
   * never fire.
   */
  public static final String OPERATION = "operation";

  private final PrometheusRegistry registry = new PrometheusRegistry();

  /** Every metric by the name its samples carry, to load earlier values back. */
  private final Map<String, Object> byName = new LinkedHashMap<>();

  private final Map<String, List<String>> labelNames = new HashMap<>();

  final Gauge lastSuccess =
      gauge("kbackup_last_success_timestamp_seconds", "When the job last succeeded.", OPERATION);
  final Gauge lastRun =
      gauge("kbackup_last_run_timestamp_seconds", "When the job last finished.", OPERATION);
  final Gauge lastDuration =
      gauge("kbackup_last_duration_seconds", "How long the last run of the job took.", OPERATION);
  final Gauge lastSuccessful =
      gauge(
          "kbackup_last_run_success", "1 if the last run of the job succeeded, else 0.", OPERATION);
  final Gauge lastExitCode =
      gauge("kbackup_last_exit_code", "Exit code of the last run of the job.", OPERATION);
  final Counter failures =
      counter("kbackup_failures", "Runs of the job that failed (exit code not 0).", OPERATION);
  final Gauge consecutiveFailures =
      gauge(
          "kbackup_consecutive_failures",
          "Runs of the job that failed since its last success.",
          OPERATION);
  final Counter recordsRead =
      counter("kbackup_records_read", "Records read from Kafka or the repository.", OPERATION);
  final Counter recordsWritten =
      counter("kbackup_records_written", "Records written to the repository or Kafka.", OPERATION);
  final Counter bytesRead =
      counter("kbackup_bytes_read", "Bytes read from Kafka or the repository.", OPERATION);
  final Counter bytesWritten =
      counter("kbackup_bytes_written", "Bytes written to the repository or Kafka.", OPERATION);
  final Gauge lagRecords =
      gauge(
          "kbackup_backup_lag_records",
          "Records in Kafka not yet in a snapshot, when last measured.",
          "topic");
  final Gauge lagSeconds =
      gauge(
          "kbackup_backup_lag_seconds",
          "Age of the newest snapshot's cut (the recovery point), when last measured.",
          "topic");
  final Gauge cutTime =
      gauge(
          "kbackup_backup_cut_timestamp_seconds",
          "Cut time of the newest snapshot holding the topic: the recovery point.",
          "topic");
  final Gauge storedBytes =
      gauge("kbackup_repository_stored_bytes", "Bytes of the distinct objects snapshots need.");
  final Gauge snapshots = gauge("kbackup_repository_snapshots", "Snapshots in the repository.");
  final Gauge freeBytes =
      gauge(
          "kbackup_repository_free_bytes", "Bytes free on the file system of a local repository.");
  final Gauge sizeBytes =
      gauge(
          "kbackup_repository_filesystem_size_bytes",
          "Size of the file system of a local repository.");
  final Gauge verifyProblems =
      gauge("kbackup_verify_problems", "Problems the last verification found.");
  final Gauge verifyLevel = gauge("kbackup_verify_level", "Level of the last verification.");
  final Gauge verifyTime =
      gauge("kbackup_verify_timestamp_seconds", "When the last verification finished.");
  final Gauge drillPassed =
      gauge("kbackup_drill_passed", "1 if the last recovery drill passed, else 0.");
  final Gauge drillRestoreSeconds =
      gauge(
          "kbackup_drill_restore_seconds",
          "Time the last recovery drill took to restore: the measured time to recover.");
  final Gauge drillTime =
      gauge("kbackup_drill_timestamp_seconds", "When the last recovery drill finished.");

  /** The registry holding these metrics, for an exporter. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** The names of every sample these metrics can write (counters with their _total suffix). */
  public Set<String> sampleNames() {
    return java.util.Collections.unmodifiableSet(byName.keySet());
  }

  /** Records the end of a run: its time, duration and whether it succeeded. */
  public void jobFinished(String job, String repository, Instant start, Instant end, int exitCode) {
    String[] labels = {repository, job};
    double seconds = (end.toEpochMilli() - start.toEpochMilli()) / 1000.0;
    lastRun.labelValues(labels).set(epochSeconds(end));
    lastDuration.labelValues(labels).set(seconds);
    lastExitCode.labelValues(labels).set(exitCode);
    failures.labelValues(labels).inc(0);
    if (exitCode == 0) {
      lastSuccess.labelValues(labels).set(epochSeconds(end));
      lastSuccessful.labelValues(labels).set(1);
      consecutiveFailures.labelValues(labels).set(0);
    } else {
      lastSuccessful.labelValues(labels).set(0);
      failures.labelValues(labels).inc();
      consecutiveFailures.labelValues(labels).inc();
    }
  }

  /** A backup's counts; the topics it saved are at the cut, so their lag is 0 then. */
  public void backup(String repository, BackupResult result, Instant now) {
    String[] labels = {repository, "backup"};
    recordsRead.labelValues(labels).inc(result.recordsRead());
    recordsWritten.labelValues(labels).inc(result.recordsRead());
    bytesRead.labelValues(labels).inc(result.bytesRead());
    bytesWritten.labelValues(labels).inc(result.bytesWritten());
    SnapshotManifest s = result.snapshot();
    Instant cut = Instant.parse(s.cutTime());
    for (TopicSnapshot t : s.topics()) {
      lagRecords.labelValues(repository, t.name()).set(0);
      setRecoveryPoint(repository, t.name(), cut, now);
    }
  }

  public void restore(String repository, RestoreResult result) {
    String[] labels = {repository, "restore"};
    recordsWritten.labelValues(labels).inc(result.recordsSent());
    bytesWritten.labelValues(labels).inc(result.payloadBytes());
  }

  public void verify(String repository, VerifyReport report, Instant now) {
    bytesRead.labelValues(repository, "verify").inc(report.bytesRead());
    verifyProblems.labelValues(repository).set(report.problems().size());
    verifyLevel.labelValues(repository).set(report.level());
    verifyTime.labelValues(repository).set(epochSeconds(now));
  }

  public void drill(String repository, DrillResult result, Instant now) {
    String[] labels = {repository, "drill"};
    recordsWritten.labelValues(labels).inc(result.records());
    bytesWritten.labelValues(labels).inc(result.payloadBytes());
    drillPassed.labelValues(repository).set(result.passed() ? 1 : 0);
    drillRestoreSeconds.labelValues(repository).set(result.restoreSeconds());
    drillTime.labelValues(repository).set(epochSeconds(now));
  }

  public void copy(String repository, long bytesSent) {
    bytesWritten.labelValues(repository, "copy").inc(bytesSent);
  }

  /** What a repository holds, measured once so that it can be set later without reading again. */
  public record RepositorySize(
      long storedBytes, int snapshots, Set<String> topics, FileSystemSpace space) {

    /** Reads every snapshot manifest. */
    public static RepositorySize measure(Repository r) throws IOException {
      Map<String, Long> objects = new HashMap<>();
      Set<String> topics = new java.util.HashSet<>();
      List<SnapshotManifest> all = r.snapshots();
      for (SnapshotManifest s : all) {
        s.topics().forEach(t -> topics.add(t.name()));
        s.topics().stream()
            .flatMap(t -> t.partitions().stream())
            .flatMap(p -> p.segments().stream())
            .forEach(seg -> objects.put(seg.key(), seg.size() + seg.indexSize()));
        s.files().forEach(f -> objects.put(f.key(), f.size()));
      }
      long stored = objects.values().stream().mapToLong(x -> x).sum();
      return new RepositorySize(stored, all.size(), topics, FileSystemSpace.of(r.storage()));
    }
  }

  /** Free and total bytes of a local repository's file system; null for object storage. */
  public record FileSystemSpace(long free, long total) {

    public static FileSystemSpace of(io.kbackup.storage.Storage storage) throws IOException {
      if (storage instanceof FileSystemStorage fs) {
        Path root = fs.root();
        while (root != null && !Files.exists(root)) {
          root = root.getParent();
        }
        if (root != null) {
          FileStore store = Files.getFileStore(root);
          return new FileSystemSpace(store.getUsableSpace(), store.getTotalSpace());
        }
      }
      return null;
    }
  }

  /**
   * The repository's size and snapshot count, and for a local repository the free space of its file
   * system. Reads every snapshot manifest.
   */
  public void repository(String repository, Repository r) throws IOException {
    repository(repository, RepositorySize.measure(r));
  }

  public void repository(String repository, RepositorySize size) {
    storedBytes.labelValues(repository).set(size.storedBytes());
    snapshots.labelValues(repository).set(size.snapshots());
    // a topic no snapshot holds any more (forgotten) has no recovery point to alert on
    for (Gauge perTopic : List.of(lagRecords, lagSeconds, cutTime)) {
      perTopic.removeIf(l -> l.get(0).equals(repository) && !size.topics().contains(l.get(1)));
    }
    fileSystem(repository, size.space());
  }

  public void fileSystem(String repository, FileSystemSpace space) {
    if (space != null) {
      freeBytes.labelValues(repository).set(space.free());
      sizeBytes.labelValues(repository).set(space.total());
    }
  }

  /** Sets the lag of one topic: records in Kafka past the newest snapshot, and its cut's age. */
  public void backupLag(String repository, String topic, long records, Instant cut, Instant now) {
    lagRecords.labelValues(repository, topic).set(records);
    setRecoveryPoint(repository, topic, cut, now);
  }

  private void setRecoveryPoint(String repository, String topic, Instant cut, Instant now) {
    cutTime.labelValues(repository, topic).set(epochSeconds(cut));
    lagSeconds
        .labelValues(repository, topic)
        .set(Math.max(0, (now.toEpochMilli() - cut.toEpochMilli()) / 1000.0));
  }

  /** The metrics in Prometheus' text format, as node_exporter's textfile collector reads it. */
  public String text() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Takes back the values of an earlier run, such as those of a metrics file, so that counters keep
   * counting and a failure keeps the time of the last success. Samples of unknown metrics, or with
   * other labels, are left out.
   */
  public void load(List<MetricsText.Sample> samples) {
    for (MetricsText.Sample s : samples) {
      Object metric = byName.get(s.name());
      if (metric == null || !s.labels().keySet().equals(Set.copyOf(labelNames.get(s.name())))) {
        continue;
      }
      if (metric instanceof Gauge g) {
        g.labelValues(labelValues(s)).set(s.value());
      } else if (metric instanceof Counter c && s.value() >= 0) {
        c.labelValues(labelValues(s)).inc(s.value());
      }
    }
  }

  private String[] labelValues(MetricsText.Sample s) {
    return labelNames.get(s.name()).stream().map(n -> s.labels().get(n)).toArray(String[]::new);
  }

  private Gauge gauge(String name, String help, String... extraLabels) {
    String[] labels = labels(extraLabels);
    Gauge g = Gauge.builder().name(name).help(help).labelNames(labels).register(registry);
    byName.put(name, g);
    labelNames.put(name, List.of(labels));
    return g;
  }

  private Counter counter(String name, String help, String... extraLabels) {
    String[] labels = labels(extraLabels);
    Counter c = Counter.builder().name(name).help(help).labelNames(labels).register(registry);
    byName.put(name + "_total", c);
    labelNames.put(name + "_total", List.of(labels));
    return c;
  }

  private static String[] labels(String... extra) {
    String[] labels = new String[extra.length + 1];
    labels[0] = "repository";
    System.arraycopy(extra, 0, labels, 1, extra.length);
    return labels;
  }

  private static double epochSeconds(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }
}

package io.kbackup.backup;

import io.kbackup.doctor.Preflight;
import io.kbackup.error.KbackupException;
import io.kbackup.error.TaskResults;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.progress.Progress;
import io.kbackup.repository.IncludedFile;
import io.kbackup.repository.ListedObjects;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotHistory;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import io.kbackup.repository.Version;
import io.kbackup.repository.lock.LockInfo;
import io.kbackup.repository.lock.LockKind;
import io.kbackup.repository.lock.RepositoryLock;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentRanges;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.segment.SegmentWriters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a snapshot of the selected topics. The end offsets of every selected partition are captured
 * in one request (the cut), then each partition is read, committed records only, up to its cut.
 * Segments of the previous snapshot are re-used when the partition is the same topic and its log
 * still continues them, so only records appended since are read. The manifest is written last;
 * until then the snapshot does not exist.
 */
public final class Backup {

  private static final Logger log = LoggerFactory.getLogger(Backup.class);

  private final Repository repository;
  private final KafkaConnection kafka;
  private final BackupOptions options;

  private Progress progress = Progress.NONE;

  /** Reports records read as they are read. */
  public Backup watchedBy(Progress progress) {
    this.progress = progress;
    return this;
  }

  public Backup(Repository repository, KafkaConnection kafka, BackupOptions options) {
    this.repository = repository;
    this.kafka = kafka;
    this.options = options;
  }

  /** Runs under a shared lock of the repository, so that nothing deletes what it needs. */
  public BackupResult run() throws IOException {
    try (RepositoryLock lock =
        RepositoryLock.acquire(repository.storage(), LockKind.SHARED, "backup")) {
      return run(lock);
    }
  }

  /** Runs under a lock the caller holds, such as a continuous backup's. */
  BackupResult run(RepositoryLock lock) throws IOException {
    repository.refuseUnencryptedWrites();
    Instant started = Instant.now();
    ClusterCut cut;
    try (Admin admin = kafka.admin()) {
      String id = kafka.clusterId(admin); // an unreachable cluster is told apart first
      Preflight.beforeBackup(kafka, admin, options.topics());
      cut = ClusterCut.capture(kafka, admin, options.topics(), id);
    }
    String clusterId = cut.clusterId();
    List<IncludedFile> files = includeFiles(repository, options.includeFiles());
    // newest first: each partition continues the newest snapshot that holds it
    SnapshotHistory history = options.full() ? null : repository.history();
    SnapshotManifest previous = history == null ? null : history.get(0);
    Set<String> liveLocks =
        RepositoryLock.live(repository.storage()).stream()
            .map(LockInfo::id)
            .collect(Collectors.toSet());
    List<BackupProgress.Document> interrupted =
        BackupProgress.leftBehind(repository.storage(), liveLocks);
    Map<TopicPartition, PartitionPlan> plans =
        new TreeMap<>(Comparator.comparing(TopicPartition::toString));
    for (Map.Entry<TopicPartition, String> e : cut.topicIds().entrySet()) {
      TopicPartition tp = e.getKey();
      PartitionPlan plan = plan(tp, e.getValue(), cut.start(tp), cut.ends().get(tp), history);
      plans.put(tp, resume(plan, clusterId, interrupted));
    }
    int resumed = plans.values().stream().mapToInt(PartitionPlan::resumedSegments).sum();
    if (resumed > 0) {
      log.info("continuing an interrupted backup: {} segments re-used", resumed);
    }
    BackupProgress progress = new BackupProgress(repository.storage(), lock.info().id(), clusterId);
    log.info(
        "cut of {} partitions captured at {}; {} ms since start",
        plans.size(),
        cut.time(),
        Duration.between(started, Instant.now()).toMillis());
    this.progress.expect(
        plans.values().stream().mapToLong(p -> Math.max(0, p.endOffset() - p.readFrom())).sum());
    ReadResult read = read(plans, progress);
    // offsets without records (transaction markers, aborted records) were expected too
    this.progress.expect(read.recordCount());
    log.info(
        "read {} records ({} bytes stored); {} ms since start",
        read.recordCount(),
        read.storedBytes(),
        Duration.between(started, Instant.now()).toMillis());
    int reusedSegments = plans.values().stream().mapToInt(p -> p.reused().size()).sum();
    List<TopicSnapshot> topicSnapshots =
        cut.topicSnapshots(
            tp -> {
              PartitionPlan plan = plans.get(tp);
              List<SegmentInfo> segments = new ArrayList<>(plan.reused());
              segments.addAll(read.segments().getOrDefault(tp, List.of()));
              long count = plan.reusedRecords() + read.records().getOrDefault(tp, 0L);
              return new PartitionSnapshot(
                  tp.partition(), plan.startOffset(), plan.endOffset(), count, segments);
            });
    SnapshotManifest manifest =
        manifest(cut, previous == null ? null : previous.id(), topicSnapshots, files);
    lock.ensureHeld();
    ListedObjects.ensurePresent(repository.storage(), manifest);
    repository.commit(manifest);
    log.info("committed snapshot {}", manifest.id());
    progress.finished();
    BackupProgress.remove(repository.storage(), interrupted);
    return new BackupResult(
        manifest,
        read.recordCount(),
        read.payloadBytes(),
        read.storedBytes(),
        reusedSegments,
        resumed,
        Duration.between(started, Instant.now()));
  }

  private PartitionPlan plan(
      TopicPartition tp, String topicId, long start, long end, SnapshotHistory history)
      throws IOException {
    PartitionSnapshot before = find(history, tp, topicId);
    if (before == null || before.endOffset() > end || before.endOffset() < start) {
      return new PartitionPlan(tp, topicId, start, end, List.of(), 0, start, 0);
    }
    List<SegmentInfo> reused = new ArrayList<>();
    long reusedRecords = 0;
    for (SegmentInfo s : before.segments()) {
      if (s.lastOffset() >= start) {
        reused.add(s);
        reusedRecords +=
            SegmentRanges.cut(repository.storage(), List.of(s), start, end, null).recordCount();
      }
    }
    return new PartitionPlan(tp, topicId, start, end, reused, reusedRecords, before.endOffset(), 0);
  }

  /**
   * Continues the partition after the segments an interrupted backup of the same cluster stored,
   * when that backup began reading where this one would and every segment is still there whole.
   */
  private PartitionPlan resume(
      PartitionPlan plan, String clusterId, List<BackupProgress.Document> interrupted)
      throws IOException {
    BackupProgress.Partition best = null;
    for (BackupProgress.Document d : interrupted) {
      if (!clusterId.equals(d.clusterId())) {
        continue;
      }
      for (BackupProgress.Partition p : d.partitions()) {
        boolean same =
            p.topic().equals(plan.partition().topic())
                && p.partition() == plan.partition().partition()
                && p.topicId().equals(plan.topicId())
                && p.readFrom() == plan.readFrom()
                && !p.segments().isEmpty();
        if (same && (best == null || p.segments().size() > best.segments().size())) {
          best = p;
        }
      }
    }
    if (best == null) {
      return plan;
    }
    long next = plan.readFrom();
    for (SegmentInfo s : best.segments()) {
      boolean whole =
          s.firstOffset() >= next
              && s.lastOffset() < plan.endOffset()
              && sizeIs(s.key(), s.size())
              && sizeIs(s.indexKey(), s.indexSize());
      if (!whole) {
        return plan;
      }
      next = s.lastOffset() + 1;
    }
    List<SegmentInfo> reused = new ArrayList<>(plan.reused());
    reused.addAll(best.segments());
    long records =
        SegmentRanges.cut(
                repository.storage(), best.segments(), plan.startOffset(), plan.endOffset(), null)
            .recordCount();
    return new PartitionPlan(
        plan.partition(),
        plan.topicId(),
        plan.startOffset(),
        plan.endOffset(),
        reused,
        plan.reusedRecords() + records,
        next,
        best.segments().size());
  }

  private boolean sizeIs(String key, long size) throws IOException {
    return repository.storage().stat(key).map(o -> o.size() == size).orElse(false);
  }

  /** The partition in the newest snapshot holding it; reads manifests only until found. */
  private static PartitionSnapshot find(SnapshotHistory history, TopicPartition tp, String topicId)
      throws IOException {
    if (history == null) {
      return null;
    }
    for (int i = 0; i < history.size(); i++) {
      SnapshotManifest manifest = history.get(i);
      for (TopicSnapshot t : manifest.topics()) {
        if (t.name().equals(tp.topic()) && t.topicId().equals(topicId)) {
          for (PartitionSnapshot p : t.partitions()) {
            if (p.partition() == tp.partition()) {
              return p;
            }
          }
        }
      }
    }
    return null;
  }

  private record ReadResult(
      Map<TopicPartition, List<SegmentInfo>> segments,
      Map<TopicPartition, Long> records,
      long recordCount,
      long payloadBytes,
      long storedBytes) {}

  private ReadResult read(Map<TopicPartition, PartitionPlan> plans, BackupProgress progress)
      throws IOException {
    List<PartitionPlan> toRead =
        plans.values().stream().filter(PartitionPlan::needsReading).toList();
    Map<TopicPartition, List<SegmentInfo>> segments = new HashMap<>();
    Map<TopicPartition, Long> counts = new HashMap<>();
    if (toRead.isEmpty()) {
      return new ReadResult(segments, counts, 0, 0, 0);
    }
    // one consumer per core, each reading a share of the partitions (largest first, dealt out)
    int readers = Math.min(toRead.size(), Math.max(1, Runtime.getRuntime().availableProcessors()));
    List<Map<TopicPartition, PartitionPlan>> shares = new ArrayList<>();
    for (int i = 0; i < readers; i++) {
      shares.add(new HashMap<>());
    }
    List<PartitionPlan> bySize = new ArrayList<>(toRead);
    bySize.sort(
        Comparator.comparingLong((PartitionPlan p) -> p.endOffset() - p.readFrom()).reversed());
    for (int i = 0; i < bySize.size(); i++) {
      PartitionPlan plan = bySize.get(i);
      shares.get(i % readers).put(plan.partition(), plan);
    }
    SegmentSettings settings = repository.config().segmentSettings();
    ExecutorService threads =
        Executors.newFixedThreadPool(
            readers,
            r -> {
              Thread t = new Thread(r, "kbackup-read");
              t.setDaemon(true);
              return t;
            });
    long records = 0;
    long payload = 0;
    try (SegmentWriters writers =
        new SegmentWriters(repository.storage(), settings, toRead.size())) {
      List<Future<PartitionReader.Result>> results = new ArrayList<>();
      for (Map<TopicPartition, PartitionPlan> share : shares) {
        results.add(
            threads.submit(new PartitionReader(kafka, writers, share, progress, this.progress)));
      }
      for (Future<PartitionReader.Result> future : results) {
        PartitionReader.Result r = TaskResults.await(future);
        segments.putAll(r.segments());
        counts.putAll(r.records());
        records += r.recordCount();
        payload += r.payloadBytes();
      }
    } finally {
      threads.shutdownNow();
    }
    long stored =
        segments.values().stream()
            .flatMap(List::stream)
            .mapToLong(s -> s.size() + s.indexSize())
            .sum();
    return new ReadResult(segments, counts, records, payload, stored);
  }

  static String segmentPrefix(TopicPartition tp) {
    return Repository.DATA_PREFIX + tp.topic() + "/" + tp.partition() + "/";
  }

  /**
   * Stores the user's files, each under a key named by its digest, so equal files are kept once.
   */
  static List<IncludedFile> includeFiles(Repository repository, List<Path> paths)
      throws IOException {
    List<IncludedFile> files = new ArrayList<>();
    for (Path path : paths) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(path);
      } catch (java.nio.file.NoSuchFileException e) {
        throw KbackupException.usage(
            "--include-file " + path + " does not exist", "check the path of the file to keep");
      }
      String sha256;
      try {
        sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      String key = Repository.FILES_PREFIX + sha256;
      repository.storage().putIfAbsent(key, bytes);
      files.add(new IncludedFile(path.getFileName().toString(), key, bytes.length, sha256));
    }
    return files;
  }

  /** The manifest of a snapshot taken at the cut. */
  static SnapshotManifest manifest(
      ClusterCut cut, String parentId, List<TopicSnapshot> topics, List<IncludedFile> files) {
    Instant now = Instant.now();
    return new SnapshotManifest(
        SnapshotManifest.FORMAT_VERSION,
        Repository.newSnapshotId(now),
        now.toString(),
        cut.time().toString(),
        cut.clusterId(),
        Version.get(),
        parentId,
        topics,
        cut.groups(),
        cut.cluster(),
        files);
  }
}

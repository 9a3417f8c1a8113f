package io.kbackup.backup;

import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.Records;
import io.kbackup.progress.Progress;
import io.kbackup.repository.IncludedFile;
import io.kbackup.repository.ListedObjects;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import io.kbackup.repository.lock.LockKind;
import io.kbackup.repository.lock.RepositoryLock;
import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.SegmentWriters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backs up continuously: one snapshot the usual way, then one consumer tails every selected
 * partition and a snapshot is committed whenever the trigger is due, so the recovery point stays
 * bounded by the trigger plus the time a commit takes. Each snapshot has a cut of its own (end
 * offsets, groups, configs, ACLs), read as for any backup; records past the cut go into the next
 * snapshot. When the selected topics change (created, deleted, re-created, more partitions) or a
 * log no longer continues the last snapshot, a snapshot is taken the usual way and tailing starts
 * again. The repository stays locked (shared) throughout, so prune waits until the backup stops.
 */
public final class ContinuousBackup {

  /**
   * A snapshot is due when {@code every} has passed since the last cut, or once {@code bytes} were
   * read.
   */
  public record Trigger(Duration every, long bytes) {

    boolean due(Instant lastCut, long bytesRead, Instant now) {
      return Duration.between(lastCut, now).compareTo(every) >= 0 || bytesRead >= bytes;
    }
  }

  /** Segments of one level joined into one of the next (see {@link PartitionTail}). */
  static final int CONSOLIDATE_AFTER = 32;

  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration CUT_LIMIT = Duration.ofMinutes(5);
  private static final Logger log = LoggerFactory.getLogger(ContinuousBackup.class);

  private final Repository repository;
  private final KafkaConnection kafka;
  private final BackupOptions options;
  private final Trigger trigger;
  private final int consolidateAfter;

  private Progress progress = Progress.NONE;

  public ContinuousBackup(
      Repository repository, KafkaConnection kafka, BackupOptions options, Trigger trigger) {
    this(repository, kafka, options, trigger, CONSOLIDATE_AFTER);
  }

  ContinuousBackup(
      Repository repository,
      KafkaConnection kafka,
      BackupOptions options,
      Trigger trigger,
      int consolidateAfter) {
    this.repository = repository;
    this.kafka = kafka;
    this.options = options;
    this.trigger = trigger;
    this.consolidateAfter = consolidateAfter;
  }

  /** Reports the records of the first snapshot as they are read. */
  public ContinuousBackup watchedBy(Progress progress) {
    this.progress = progress;
    return this;
  }

  /**
   * Takes snapshots until {@code stop} returns true, then commits what was read up to then and
   * returns. Each committed snapshot is handed to {@code committed} as it is committed.
   */
  public void run(BooleanSupplier stop, Consumer<BackupResult> committed) throws IOException {
    repository.refuseUnencryptedWrites();
    try (RepositoryLock lock =
        RepositoryLock.acquire(repository.storage(), LockKind.SHARED, "backup --continuous")) {
      BackupOptions round = options;
      while (true) {
        BackupResult result = new Backup(repository, kafka, round).watchedBy(progress).run(lock);
        committed.accept(result);
        if (stop.getAsBoolean() || tail(lock, result.snapshot(), stop, committed)) {
          return;
        }
        log.info("the selected topics changed; taking the next snapshot the usual way");
        round = new BackupOptions(options.topics(), false, options.includeFiles());
      }
    }
  }

  /** Tails the partitions of the snapshot; true once stopped, false when the topics changed. */
  private boolean tail(
      RepositoryLock lock,
      SnapshotManifest base,
      BooleanSupplier stop,
      Consumer<BackupResult> committed)
      throws IOException {
    Map<TopicPartition, PartitionTail> tails = new HashMap<>();
    try (Admin admin = kafka.admin();
        KafkaConsumer<byte[], byte[]> consumer = kafka.consumer(Map.of());
        SegmentWriters writers =
            new SegmentWriters(
                repository.storage(),
                repository.config().segmentSettings(),
                Math.max(1, base.partitionCount()))) {
      for (TopicSnapshot t : base.topics()) {
        for (PartitionSnapshot p : t.partitions()) {
          TopicPartition tp = new TopicPartition(t.name(), p.partition());
          tails.put(
              tp,
              new PartitionTail(
                  tp,
                  t.topicId(),
                  p,
                  writers,
                  repository.storage(),
                  consolidateAfter,
                  repository.config().segmentSettings().segmentBytes()));
        }
      }
      consumer.assign(tails.keySet());
      tails.forEach((tp, tail) -> consumer.seek(tp, tail.resumeAt()));
      log.info("tailing {} partitions from snapshot {}", tails.size(), base.id());
      Reading reading = new Reading(Instant.parse(base.cutTime()));
      ClusterCut pending = null;
      boolean stopping = false;
      while (true) {
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
        for (TopicPartition tp : polled.partitions()) {
          PartitionTail tail = tails.get(tp);
          for (ConsumerRecord<byte[], byte[]> r : polled.records(tp)) {
            BackupRecord record = Records.fromConsumer(r);
            tail.append(record);
            reading.read(record.payloadSize());
          }
        }
        if (pending == null) {
          stopping = stop.getAsBoolean();
          if (!stopping && !trigger.due(reading.lastCut, reading.bytesSinceCut, Instant.now())) {
            continue;
          }
          pending = ClusterCut.capture(kafka, admin, options.topics());
          if (!continues(pending, tails)) {
            return false;
          }
          reading.cutCaptured();
        }
        for (Map.Entry<TopicPartition, PartitionTail> e : tails.entrySet()) {
          e.getValue().positionIs(consumer.position(e.getKey()));
        }
        if (tails.values().stream().anyMatch(PartitionTail::cutPending)) {
          reading.checkCutProgress(pending, tails);
          continue;
        }
        base = commit(lock, pending, base, tails, reading);
        committed.accept(
            reading.result(base, tails.values().stream().mapToInt(PartitionTail::reused).sum()));
        reading.committed(pending.time());
        pending = null;
        if (stopping) {
          return true;
        }
      }
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw kafka.unreachable(e);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      // what was read past the last commit is read again by the next backup
      tails.values().forEach(PartitionTail::abort);
    }
  }

  /** Whether the cut holds the same partitions of the same topics, each log continuing the last. */
  private static boolean continues(ClusterCut cut, Map<TopicPartition, PartitionTail> tails) {
    Map<TopicPartition, String> ids = cut.topicIds();
    if (ids.size() != tails.size()) {
      return false;
    }
    for (Map.Entry<TopicPartition, String> e : ids.entrySet()) {
      PartitionTail tail = tails.get(e.getKey());
      if (tail == null
          || !tail.topicId().equals(e.getValue())
          || !tail.cutAt(cut.ends().get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private SnapshotManifest commit(
      RepositoryLock lock,
      ClusterCut cut,
      SnapshotManifest base,
      Map<TopicPartition, PartitionTail> tails,
      Reading reading)
      throws IOException {
    tails.values().forEach(tail -> reading.stored(tail.sealedBytes()));
    List<IncludedFile> files = Backup.includeFiles(repository, options.includeFiles());
    List<TopicSnapshot> topics =
        cut.topicSnapshots(
            tp -> {
              try {
                return tails.get(tp).commit(cut.start(tp));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    SnapshotManifest manifest = Backup.manifest(cut, base.id(), topics, files);
    lock.ensureHeld();
    ListedObjects.ensurePresent(repository.storage(), manifest);
    repository.commit(manifest);
    log.info("committed snapshot {}", manifest.id());
    return manifest;
  }

  /** What was read since the last snapshot, for the trigger and for the result of the next. */
  private static final class Reading {
    private Instant lastCut;
    private Instant cutCaptured;
    private long bytesSinceCut;
    private long records;
    private long bytes;
    private long stored;
    private Instant started = Instant.now();

    Reading(Instant lastCut) {
      this.lastCut = lastCut;
    }

    void read(long payloadBytes) {
      bytesSinceCut += payloadBytes;
      records++;
      bytes += payloadBytes;
    }

    void cutCaptured() {
      cutCaptured = Instant.now();
      bytesSinceCut = 0;
    }

    void stored(long objectBytes) {
      stored += objectBytes;
    }

    /** A cut the consumer cannot reach (such as a partition without a leader) fails the backup. */
    void checkCutProgress(ClusterCut cut, Map<TopicPartition, PartitionTail> tails) {
      if (Duration.between(cutCaptured, Instant.now()).compareTo(CUT_LIMIT) > 0) {
        TopicPartition behind =
            tails.entrySet().stream()
                .filter(e -> e.getValue().cutPending())
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
        throw KbackupException.failed(
            "continuous backup: no progress reading "
                + behind
                + " up to the cut of "
                + cut.time()
                + " for "
                + CUT_LIMIT.toMinutes()
                + " minutes",
            "check that the partition has a leader and that the client may read it",
            null);
      }
    }

    /**
     * The snapshot's result: records read since the last one (a few past the cut belong to the next
     * and are counted there too, never lost).
     */
    BackupResult result(SnapshotManifest manifest, int segmentsReused) {
      return new BackupResult(
          manifest,
          records,
          bytes,
          stored,
          segmentsReused,
          0,
          Duration.between(started, Instant.now()));
    }

    void committed(Instant cut) {
      lastCut = cut;
      records = 0;
      bytes = 0;
      stored = 0;
      started = Instant.now();
    }
  }
}

package io.kbackup.restore;

import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.progress.Progress;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;

/**
 * Runs the partitions of a restore in parallel through one idempotent producer, each partition on
 * one thread so that its order is kept, and stops them all at the first record the target refuses.
 */
final class ParallelRestore {

  private final Storage storage;
  private final KafkaConnection kafka;
  private final int parallelism;
  private final boolean skipDamaged;
  private final String compression;
  private Progress progress = Progress.NONE;

  /**
   * @param compression the producer's {@code compression.type}
   */
  ParallelRestore(
      Storage storage,
      KafkaConnection kafka,
      int parallelism,
      boolean skipDamaged,
      String compression) {
    this.storage = storage;
    this.kafka = kafka;
    this.parallelism = parallelism;
    this.skipDamaged = skipDamaged;
    this.compression = compression;
  }

  ParallelRestore watchedBy(Progress progress) {
    this.progress = progress;
    return this;
  }

  /**
   * What the producing did.
   *
   * @param restored records of each partition's plan now in the target
   * @param damaged partitions that damaged data ended early, a line each
   */
  record Result(
      long sent,
      long skipped,
      long payloadBytes,
      Map<TopicPartition, List<OffsetRange>> offsetMaps,
      Map<TopicPartition, Long> oldest,
      Map<TopicPartition, Long> restored,
      List<String> damaged) {}

  /**
   * Sends every partition's records that the target does not hold yet.
   *
   * @param ends the target partitions' end offsets now
   */
  Result run(List<PartitionRestore> plan, RestoreState state, Map<TopicPartition, Long> ends)
      throws IOException {
    Map<TopicPartition, Long> already = new java.util.HashMap<>();
    for (PartitionRestore p : plan) {
      long present = ends.get(p.target()) - state.partition(p.target()).targetStartOffset();
      if (present < 0 || present > p.recordCount()) {
        throw KbackupException.failed(
            "target partition "
                + p.target()
                + " holds "
                + present
                + " records since the restore began, the snapshot has "
                + p.recordCount(),
            "something else wrote to the target; delete the target topic if this restore created"
                + " it and run the restore again, or restore into a new topic with --topic-map",
            null);
      }
      already.put(p.target(), present);
    }
    new TargetPrefix(kafka, storage).check(plan, state, ends);
    progress.expect(plan.stream().mapToLong(PartitionRestore::recordCount).sum());
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicLong sent = new AtomicLong();
    AtomicLong skipped = new AtomicLong();
    AtomicLong payload = new AtomicLong();
    Map<TopicPartition, List<OffsetRange>> maps = new java.util.concurrent.ConcurrentHashMap<>();
    Map<TopicPartition, Long> oldest = new java.util.concurrent.ConcurrentHashMap<>();
    Map<TopicPartition, Long> restored = new java.util.concurrent.ConcurrentHashMap<>();
    List<String> damaged = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, parallelism),
            r -> {
              Thread t = new Thread(r, "kbackup-restore");
              t.setDaemon(true);
              return t;
            });
    try (KafkaProducer<byte[], byte[]> producer =
        kafka.producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression))) {
      List<Future<?>> tasks = new ArrayList<>();
      for (PartitionRestore p : plan) {
        RestoreState.Partition sp = state.partition(p.target());
        PartitionRestorer restorer =
            new PartitionRestorer(
                storage,
                producer,
                p,
                sp.targetStartOffset(),
                already.get(p.target()),
                failure,
                skipDamaged,
                progress);
        tasks.add(
            pool.submit(
                () -> {
                  restorer.run();
                  sent.addAndGet(restorer.sent());
                  skipped.addAndGet(already.get(p.target()));
                  payload.addAndGet(restorer.payloadBytes());
                  maps.put(p.target(), restorer.offsetMap());
                  oldest.put(p.target(), restorer.oldestTimestamp());
                  restored.put(p.target(), restorer.restored());
                  if (restorer.damage() != null) {
                    damaged.add(restorer.damage());
                  }
                  return null;
                }));
      }
      for (Future<?> task : tasks) {
        try {
          task.get();
        } catch (ExecutionException e) {
          failure.compareAndSet(
              null, e.getCause() instanceof Exception ex ? ex : new IOException(e.getCause()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new KbackupException(ExitCode.INTERRUPTED, "interrupted", null, e);
        }
      }
      if (failure.get() == null) {
        producer.flush();
      }
    } finally {
      pool.shutdownNow();
    }
    Exception e = failure.get();
    if (e instanceof KbackupException k) {
      throw k;
    }
    if (e instanceof SendFailure f && refusedAsInvalid(f.getCause())) {
      throw KbackupException.failed(
          "target partition "
              + f.partition()
              + " refused records as invalid: "
              + f.getCause().getMessage(),
          f.getCause().getMessage() != null && f.getCause().getMessage().contains("Timestamp")
              ? "the target topic's message.timestamp.before.max.ms or"
                  + " message.timestamp.after.max.ms refuses the records' timestamps: set it to "
                  + Long.MAX_VALUE
                  + " and run the same restore again; it resumes where it stopped"
              : "check the target topic's configs (a compacted topic refuses records without a"
                  + " key), fix them and run the same restore again; it resumes where it stopped",
          e);
    }
    if (e != null) {
      throw KbackupException.failed(
          "restore failed: " + e.getMessage(),
          "fix the cause and run the same restore again; it resumes where it stopped",
          e);
    }
    List<String> damage = new ArrayList<>(damaged);
    java.util.Collections.sort(damage);
    return new Result(
        sent.get(), skipped.get(), payload.get(), maps, oldest, restored, List.copyOf(damage));
  }

  /** The broker refused a record, or the batch of a refused record, as invalid. */
  private static boolean refusedAsInvalid(Throwable e) {
    return e instanceof InvalidRecordException
        || (e.getMessage() != null && e.getMessage().contains("invalid records"));
  }
}

package io.kbackup.segment;

import io.kbackup.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * What the segment writers of one backup share: the storage, the settings, a pool that compresses
 * batches on every core, a thread that stores finished segments while reading goes on, and a memory
 * budget. The budget bounds the heap whatever the number of partitions: with many partitions being
 * written at once, each gets smaller batches.
 */
public final class SegmentWriters implements AutoCloseable {

  /** Bytes of open batches across all writers. */
  static final long BATCH_MEMORY_BUDGET = 64L << 20;

  static final int MIN_BATCH_BYTES = 16 << 10;

  private final Storage storage;
  private final SegmentSettings settings;
  private final Path spoolDir;
  private final int batchBytes;
  private final BufferPool pool;
  private final ExecutorService compressors;
  private final ExecutorService uploader;

  /**
   * @param concurrentWriters how many writers will be open at the same time
   */
  public SegmentWriters(Storage storage, SegmentSettings settings, int concurrentWriters)
      throws IOException {
    this.storage = storage;
    this.settings = settings;
    this.spoolDir = storage.scratchDirectory();
    long share = BATCH_MEMORY_BUDGET / Math.max(1, concurrentWriters);
    this.batchBytes = (int) Math.min(settings.batchBytes(), Math.max(MIN_BATCH_BYTES, share));
    int bufferBytes = batchBytes + batchBytes / 8; // room for the record that ends a batch
    this.pool = new BufferPool(bufferBytes, (int) (BATCH_MEMORY_BUDGET / bufferBytes));
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    this.compressors = Executors.newFixedThreadPool(cores, daemon("kbackup-compress"));
    this.uploader = Executors.newSingleThreadExecutor(daemon("kbackup-store"));
  }

  /** A writer for one partition whose objects go under {@code keyPrefix}. */
  public SegmentWriter open(String keyPrefix) {
    return open(keyPrefix, stored -> {});
  }

  /**
   * A writer for one partition whose objects go under {@code keyPrefix}, telling {@code onStored}
   * of each segment once its data and index objects are stored (on the store thread, one segment at
   * a time, in order).
   */
  public SegmentWriter open(String keyPrefix, Consumer<SegmentInfo> onStored) {
    return new SegmentWriter(
        storage, keyPrefix, settings, batchBytes, pool, compressors, uploader, spoolDir, onStored);
  }

  int batchBytes() {
    return batchBytes;
  }

  @Override
  public void close() {
    compressors.shutdownNow();
    uploader.shutdownNow();
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}

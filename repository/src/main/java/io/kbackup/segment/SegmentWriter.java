package io.kbackup.segment;

import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.storage.Storage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

/**
 * Writes the records of one topic-partition, in offset order, into immutable segments of a
 * repository. Batches are compressed on a pool while the caller goes on appending; they are written
 * in order. Each finished segment and its index are stored as two objects, by another thread, and
 * reported as a {@link SegmentInfo}. Records are only durable once {@link #finish()} returned. Made
 * by {@link SegmentWriters}.
 */
public final class SegmentWriter {

  private static final int MAX_BATCHES_IN_FLIGHT = 2;

  private final Storage storage;
  private final String keyPrefix;
  private final SegmentSettings settings;
  private final BufferPool pool;
  private final Executor compressor;
  private final Executor uploader;
  private final Path spoolDir;
  private final Consumer<SegmentInfo> onStored;
  private final RecordBatchBuilder builder;
  private final Deque<FutureTask<EncodedBatch>> inFlight = new ArrayDeque<>();
  private final List<FutureTask<SegmentInfo>> stored = new ArrayList<>();

  private OpenSegment open;
  private long lastOffset = -1;

  SegmentWriter(
      Storage storage,
      String keyPrefix,
      SegmentSettings settings,
      int batchBytes,
      BufferPool pool,
      Executor compressor,
      Executor uploader,
      Path spoolDir,
      Consumer<SegmentInfo> onStored) {
    this.storage = storage;
    this.onStored = onStored;
    this.keyPrefix = keyPrefix;
    this.settings = settings;
    this.compressor = compressor;
    this.uploader = uploader;
    this.spoolDir = spoolDir;
    this.pool = pool;
    this.builder = new RecordBatchBuilder(batchBytes, pool);
  }

  public void append(BackupRecord record) throws IOException {
    if (record.offset() <= lastOffset) {
      throw new IllegalArgumentException(
          "offset " + record.offset() + " is not after " + lastOffset + " in " + keyPrefix);
    }
    int size = RecordBatchBuilder.sizeBound(record);
    if (size > RecordBatch.MAX_RECORDS_BYTES) {
      throw new KbackupException(
          ExitCode.FAILED,
          "the record at offset "
              + record.offset()
              + " of "
              + keyPrefix
              + " takes "
              + size
              + " bytes, more than the "
              + (RecordBatch.MAX_RECORDS_BYTES >> 20)
              + " MiB a record batch may hold",
          "leave its topic out of the backup with --exclude");
    }
    if (!builder.accepts(record)) {
      sealBatch();
    }
    builder.append(record);
    lastOffset = record.offset();
    drainDone();
  }

  /**
   * Writes what is pending and hands the last segment to the store thread, without waiting for it
   * to be stored. No record may be appended afterwards.
   */
  public void close() throws IOException {
    if (!builder.isEmpty()) {
      sealBatch();
    }
    while (!inFlight.isEmpty()) {
      write(await(inFlight.poll(), "compressing"));
    }
    if (open != null) {
      closeSegment();
    }
  }

  /** Closes the writer and waits until every segment is stored; returns them in order. */
  public List<SegmentInfo> finish() throws IOException {
    close();
    List<SegmentInfo> result = new ArrayList<>();
    for (FutureTask<SegmentInfo> task : stored) {
      result.add(await(task, "storing a segment"));
    }
    return result;
  }

  /** Drops what is not yet stored; objects already stored stay (they are unreferenced). */
  public void abort() {
    inFlight.forEach(task -> task.cancel(false));
    inFlight.clear();
    stored.forEach(task -> task.cancel(false));
    if (open != null) {
      open.discard();
      open = null;
    }
  }

  private void sealBatch() throws IOException {
    PendingBatch pending = builder.take();
    FutureTask<EncodedBatch> task =
        new FutureTask<>(
            () -> {
              EncodedBatch encoded = pending.encode(settings.codec(), settings.level());
              pool.give(pending.records());
              return encoded;
            });
    inFlight.add(task);
    compressor.execute(task);
    while (inFlight.size() > MAX_BATCHES_IN_FLIGHT) {
      write(await(inFlight.poll(), "compressing"));
    }
  }

  private void drainDone() throws IOException {
    while (!inFlight.isEmpty() && inFlight.peek().isDone()) {
      write(await(inFlight.poll(), "compressing"));
    }
  }

  private static <T> T await(FutureTask<T> task, String what) throws IOException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while " + what);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(what + " failed", e.getCause());
    }
  }

  private void write(EncodedBatch batch) throws IOException {
    if (open == null) {
      open = new OpenSegment(Files.createTempFile(spoolDir, "segment-", ".tmp"));
    }
    open.write(batch);
    if (open.size >= settings.segmentBytes()) {
      closeSegment();
    }
  }

  private void closeSegment() throws IOException {
    OpenSegment segment = open;
    open = null;
    segment.closeFile();
    FutureTask<SegmentInfo> task =
        new FutureTask<>(
            () -> {
              SegmentInfo info = segment.store();
              onStored.accept(info);
              return info;
            });
    stored.add(task);
    uploader.execute(task);
  }

  /** The segment currently being written to a spool file. */
  private final class OpenSegment {
    private final Path file;
    private final OutputStream out;
    private final List<SegmentIndex.Entry> entries = new ArrayList<>();
    private long size;
    private long records;
    private long uncompressedBytes;
    private long maxTimestamp = Long.MIN_VALUE;

    OpenSegment(Path file) throws IOException {
      this.file = file;
      this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    void write(EncodedBatch batch) throws IOException {
      out.write(batch.bytes());
      entries.add(
          new SegmentIndex.Entry(
              batch.baseOffset(),
              batch.lastOffset(),
              batch.maxTimestamp(),
              size,
              batch.count(),
              batch.bytes().length));
      size += batch.bytes().length;
      records += batch.count();
      uncompressedBytes += batch.uncompressedRecordBytes();
      maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
    }

    void closeFile() throws IOException {
      out.close();
    }

    SegmentInfo store() throws IOException {
      long first = entries.get(0).baseOffset();
      long last = entries.get(entries.size() - 1).lastOffset();
      String name =
          String.format(
              "%020d-%020d-%s", first, last, UUID.randomUUID().toString().substring(0, 8));
      String key = keyPrefix + name + ".seg";
      String indexKey = keyPrefix + name + ".idx";
      byte[] index = new SegmentIndex(entries).toBytes();
      String sha256 = digestOf(file);
      try {
        storage.put(key, file);
      } finally {
        Files.deleteIfExists(file);
      }
      storage.put(indexKey, index);
      return new SegmentInfo(
          key,
          size,
          sha256,
          indexKey,
          index.length,
          HexFormat.of().formatHex(sha256().digest(index)),
          first,
          last,
          records,
          maxTimestamp,
          uncompressedBytes);
    }

    void discard() {
      try {
        out.close();
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // best effort: the spool directory is scratch space
      }
    }
  }

  /** Computed on the store thread from the spool file, off the thread that reads Kafka. */
  private static String digestOf(Path file) throws IOException {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[1 << 16];
    try (var in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

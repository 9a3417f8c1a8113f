package io.kbackup.progress;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a long command has come: records and bytes done out of an expected total. Engines add to
 * it from any thread; the command line reads it to draw a progress line. A command nobody watches
 * uses {@link #NONE}.
 */
public final class Progress {

  public static final Progress NONE = new Progress();

  private final AtomicLong records = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong totalRecords = new AtomicLong(-1);

  public void expect(long records) {
    totalRecords.set(records);
  }

  public void add(long records, long bytes) {
    this.records.addAndGet(records);
    this.bytes.addAndGet(bytes);
  }

  public long records() {
    return records.get();
  }

  public long bytes() {
    return bytes.get();
  }

  /** The expected number of records, or -1 while unknown. */
  public long totalRecords() {
    return totalRecords.get();
  }
}

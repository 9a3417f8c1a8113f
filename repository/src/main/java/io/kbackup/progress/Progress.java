package io.kbackup.progress;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a long command has come: items (records, or what the command counts) and bytes done out
 * of an expected total. Engines add to it from any thread; the command line reads it to show
 * progress. A command nobody watches uses {@link #NONE}.
 */
public final class Progress {

  public static final Progress NONE = new Progress();

  private final String unit;
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong expected = new AtomicLong(-1);
  private final AtomicLong expectedBytes = new AtomicLong(-1);

  /** Progress counted in records. */
  public Progress() {
    this("records");
  }

  /**
   * @param unit what is counted, in the plural, as output names it: {@code records}, {@code
   *     objects}
   */
  public Progress(String unit) {
    this.unit = unit;
  }

  /** Sets how many items the work will count. */
  public void expect(long count) {
    expected.set(count);
  }

  /** Sets how many bytes the work will count, for work whose items differ much in size. */
  public void expectBytes(long bytes) {
    expectedBytes.set(bytes);
  }

  public void add(long count, long bytes) {
    this.count.addAndGet(count);
    this.bytes.addAndGet(bytes);
  }

  public String unit() {
    return unit;
  }

  public long count() {
    return count.get();
  }

  public long bytes() {
    return bytes.get();
  }

  /** The expected number of items, or -1 while unknown. */
  public long expected() {
    return expected.get();
  }

  /** The expected number of bytes, or -1 when unknown. */
  public long expectedBytes() {
    return expectedBytes.get();
  }
}

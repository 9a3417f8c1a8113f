package io.kbackup.verify;

import io.kbackup.error.KbackupException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The part of a repository's data objects that a level-2 verification reads: the N-th of T slices
 * (fixed by a hash of each object's key, so that T runs with N = 1..T read everything once), or a
 * percentage of the objects, those verified least recently first.
 */
public final class DataSubset {

  private static final Pattern SLICE = Pattern.compile("(\\d{1,9})/(\\d{1,9})");
  private static final Pattern PERCENT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,6})?)%");

  private final int slice;
  private final int slices;
  private final BigDecimal percent;

  private DataSubset(int slice, int slices, BigDecimal percent) {
    this.slice = slice;
    this.slices = slices;
    this.percent = percent;
  }

  /** Parses {@code N/T} (1 &lt;= N &lt;= T) or {@code P%} (0 &lt; P &lt;= 100). */
  public static DataSubset parse(String text) {
    Matcher m = SLICE.matcher(text);
    if (m.matches()) {
      int n = Integer.parseInt(m.group(1));
      int t = Integer.parseInt(m.group(2));
      if (n >= 1 && n <= t) {
        return new DataSubset(n, t, null);
      }
    }
    m = PERCENT.matcher(text);
    if (m.matches()) {
      BigDecimal p = new BigDecimal(m.group(1));
      if (p.signum() > 0 && p.compareTo(BigDecimal.valueOf(100)) <= 0) {
        return new DataSubset(0, 0, p);
      }
    }
    throw KbackupException.usage(
        "--read-data-subset must be N/T with 1 <= N <= T, or P% with 0 < P <= 100, not '"
            + text
            + "'",
        "for example --read-data-subset 1/7 (a seventh, fixed by key) or 10% (the least recently"
            + " verified tenth)");
  }

  /** Whether the N-th of T slices holds the key; the slice is CRC32C(key) modulo T, plus one. */
  static int sliceOf(String key, int slices) {
    CRC32C crc = new CRC32C();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % slices) + 1;
  }

  /**
   * The keys to read, in the order given for a slice, stalest first for a percentage.
   *
   * @param lastVerified when each key was last verified; keys never verified are stalest
   */
  List<String> select(List<String> keys, Map<String, Instant> lastVerified) {
    if (percent == null) {
      return keys.stream().filter(k -> sliceOf(k, slices) == slice).toList();
    }
    int count =
        BigDecimal.valueOf(keys.size())
            .multiply(percent)
            .divide(BigDecimal.valueOf(100), 0, RoundingMode.CEILING)
            .intValueExact();
    return keys.stream()
        .sorted(
            Comparator.comparing((String k) -> lastVerified.getOrDefault(k, Instant.MIN))
                .thenComparing(Comparator.naturalOrder()))
        .limit(count)
        .toList();
  }

  @Override
  public String toString() {
    return percent == null ? slice + "/" + slices : percent.toPlainString() + "%";
  }
}

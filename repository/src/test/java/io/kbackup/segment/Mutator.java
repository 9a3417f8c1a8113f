package io.kbackup.segment;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Damages byte strings the way storage and software do: flipped bits, overwritten bytes and
 * integers (with values at the edges), cut-short, inserted, deleted and repeated ranges, and, for
 * text documents, tokens such as {@code null} or huge numbers. Seeded, so a failure can be
 * replayed.
 */
public final class Mutator {

  private static final long[] EDGES = {
    0,
    1,
    -1,
    2,
    48,
    49,
    61,
    127,
    128,
    255,
    256,
    65535,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    Long.MAX_VALUE,
    Long.MIN_VALUE,
    512L << 20,
    (512L << 20) + 1
  };
  private static final List<String> TOKENS =
      List.of(
          "null",
          "-1",
          "0",
          "\"\"",
          "\"x\"",
          "{}",
          "[]",
          "[null]",
          "true",
          "9223372036854775808",
          "1e400",
          "-0.5",
          "\"2026-13-45T99:99:99Z\"",
          ",",
          ":",
          "\"",
          "\\u0000");

  private final SplittableRandom random;

  public Mutator(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** One to three damages of a copy of the input. */
  public byte[] mutate(byte[] input, boolean text) {
    byte[] out = input.clone();
    int damages = 1 + random.nextInt(3);
    for (int i = 0; i < damages && out.length > 0; i++) {
      out = once(out, text);
    }
    return out;
  }

  private byte[] once(byte[] in, boolean text) {
    int at = random.nextInt(in.length);
    switch (random.nextInt(text ? 8 : 7)) {
      case 0 -> in[at] ^= (byte) (1 << random.nextInt(8));
      case 1 -> in[at] = (byte) random.nextInt(256);
      case 2 -> {
        return Arrays.copyOf(in, at);
      }
      case 3 -> {
        byte[] extra = new byte[1 + random.nextInt(16)];
        random.nextBytes(extra);
        return splice(in, at, at, extra);
      }
      case 4 -> {
        return splice(in, at, Math.min(in.length, at + 1 + random.nextInt(64)), new byte[0]);
      }
      case 5 -> {
        int end = Math.min(in.length, at + 1 + random.nextInt(128));
        return splice(in, at, at, Arrays.copyOfRange(in, at, end));
      }
      case 6 -> {
        long edge = EDGES[random.nextInt(EDGES.length)];
        int width = random.nextBoolean() ? 4 : 8;
        if (at + width <= in.length) {
          ByteBuffer b = ByteBuffer.wrap(in);
          if (width == 4) {
            b.putInt(at, (int) edge);
          } else {
            b.putLong(at, edge);
          }
        }
      }
      default -> {
        byte[] token = TOKENS.get(random.nextInt(TOKENS.size())).getBytes(StandardCharsets.UTF_8);
        return splice(in, at, Math.min(in.length, at + random.nextInt(12)), token);
      }
    }
    return in;
  }

  private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
    byte[] out = new byte[in.length - (to - from) + insert.length];
    System.arraycopy(in, 0, out, 0, from);
    System.arraycopy(insert, 0, out, from, insert.length);
    System.arraycopy(in, to, out, from + insert.length, in.length - to);
    return out;
  }

  public boolean nextBoolean() {
    return random.nextBoolean();
  }

  /** A read of damaged input. */
  public interface Read {
    void run() throws Exception;
  }

  /**
   * Runs a read of damaged input.
   *
   * @param allowed the errors a reader may report damage with
   * @return 1 when the reader reported damage with an allowed error, 0 when it read the input
   * @throws AssertionError naming the round when anything else escaped
   */
  public static int survives(String round, Read read, Predicate<Throwable> allowed) {
    try {
      read.run();
      return 0;
    } catch (Throwable t) {
      if (allowed.test(t)) {
        return 1;
      }
      throw new AssertionError(round + " escaped with " + t, t);
    }
  }
}

package io.kbackup.segment;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStream;
import io.kbackup.error.CorruptDataException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import net.jpountz.lz4.LZ4Factory;

/**
 * Compression of the records part of a batch. The ids are Kafka's own compression type ids, so a
 * batch stays readable by Kafka's tools.
 */
public enum Codec {
  NONE(0),
  LZ4(3),
  ZSTD(4);

  private final int id;

  Codec(int id) {
    this.id = id;
  }

  public int id() {
    return id;
  }

  public static Codec fromId(int id) {
    for (Codec c : values()) {
      if (c.id == id) {
        return c;
      }
    }
    throw new CorruptDataException("unsupported compression type id " + id + " in a record batch");
  }

  public static Codec fromName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** Whether the codec takes this compression level: zstd -7 to 22, lz4 1 to 17, none any. */
  public boolean acceptsLevel(int level) {
    return switch (this) {
      case ZSTD -> level >= -7 && level <= 22;
      case LZ4 -> level >= 1 && level <= 17;
      case NONE -> true;
    };
  }

  /** The most bytes compressing {@code length} bytes can produce. */
  int maxCompressedLength(int length) {
    return switch (this) {
      case NONE -> length;
      case ZSTD -> (int) Zstd.compressBound(length);
      // every 64 KiB block may grow a little and carries a 4-byte size; the frame adds a header
      // and an end mark
      case LZ4 ->
          LZ4Factory.fastestInstance().fastCompressor().maxCompressedLength(length)
              + (length / Lz4Frames.BLOCK_BYTES + 1) * 4
              + 32;
    };
  }

  /** Compresses into {@code out} at {@code outOffset}; returns the compressed length. */
  int compress(byte[] data, int offset, int length, byte[] out, int outOffset, int level) {
    return switch (this) {
      case NONE -> {
        System.arraycopy(data, offset, out, outOffset, length);
        yield length;
      }
      case ZSTD -> {
        long n =
            Zstd.compressByteArray(
                out, outOffset, out.length - outOffset, data, offset, length, level);
        if (Zstd.isError(n)) {
          throw new IllegalStateException("zstd compression failed: " + Zstd.getErrorName(n));
        }
        yield (int) n;
      }
      case LZ4 -> Lz4Frames.compress(data, offset, length, out, outOffset, level);
    };
  }

  /**
   * The records of a batch, decompressed. A batch never holds more than {@link
   * RecordBatch#MAX_RECORDS_BYTES} bytes of records, so neither a declared size nor the bytes a
   * stream expands to may pass that: damaged or forged data costs no more memory than a real batch.
   */
  byte[] decompress(byte[] data, int offset, int length) throws IOException {
    return switch (this) {
      case NONE -> {
        if (length > RecordBatch.MAX_RECORDS_BYTES) {
          throw tooLarge("take " + length + " bytes, more");
        }
        yield java.util.Arrays.copyOfRange(data, offset, offset + length);
      }
      case ZSTD -> {
        long size = Zstd.getFrameContentSize(data, offset, length);
        if (size >= 0) {
          if (size > RecordBatch.MAX_RECORDS_BYTES) {
            throw tooLarge("declare " + size + " bytes once decompressed, more");
          }
          byte[] out = new byte[(int) size];
          long n = Zstd.decompressByteArray(out, 0, out.length, data, offset, length);
          if (Zstd.isError(n) || n != size) {
            throw new CorruptDataException("zstd data does not decompress: " + errorName(n));
          }
          yield out;
        }
        try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(data, offset, length))) {
          yield readBounded(in);
        }
      }
      case LZ4 -> Lz4Frames.decompress(data, offset, length);
    };
  }

  /** Everything the stream yields, refused as soon as it passes the bound. */
  static byte[] readBounded(InputStream in) throws IOException {
    byte[] out = in.readNBytes(RecordBatch.MAX_RECORDS_BYTES + 1);
    if (out.length > RecordBatch.MAX_RECORDS_BYTES) {
      throw tooLarge("decompress to more bytes");
    }
    return out;
  }

  private static CorruptDataException tooLarge(String what) {
    return new CorruptDataException(
        "the records "
            + what
            + " than the "
            + (RecordBatch.MAX_RECORDS_BYTES >> 20)
            + " MiB a batch may hold");
  }

  private static String errorName(long code) {
    return Zstd.isError(code) ? Zstd.getErrorName(code) : "wrong size " + code;
  }
}

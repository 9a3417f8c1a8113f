package io.kbackup.segment;

import io.kbackup.error.CorruptDataException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.apache.kafka.common.compress.Lz4BlockOutputStream;

/**
 * LZ4 as Kafka frames it in a record batch: the standard LZ4 frame format with 64 KiB independent
 * blocks. Written with Kafka's own frame writer, so brokers and consumers read it; read with the
 * LZ4 library's frame reader.
 */
final class Lz4Frames {

  static final int BLOCK_BYTES = 64 << 10;

  private Lz4Frames() {}

  /** Compresses into {@code out} at {@code outOffset}; returns the compressed length. */
  static int compress(byte[] data, int offset, int length, byte[] out, int outOffset, int level) {
    ArrayOutput target = new ArrayOutput(out, outOffset);
    try (OutputStream lz4 =
        new Lz4BlockOutputStream(
            target, Lz4BlockOutputStream.BLOCKSIZE_64KB, level, false, false)) {
      lz4.write(data, offset, length);
    } catch (IOException e) {
      throw new IllegalStateException("lz4 compression failed", e);
    }
    return target.position - outOffset;
  }

  static byte[] decompress(byte[] data, int offset, int length) {
    try (InputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(data, offset, length))) {
      return Codec.readBounded(in);
    } catch (CorruptDataException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new CorruptDataException("lz4 data does not decompress: " + e.getMessage());
    }
  }

  /** Writes into a given array, which the caller sized for the worst case. */
  private static final class ArrayOutput extends OutputStream {
    private final byte[] out;
    private int position;

    ArrayOutput(byte[] out, int position) {
      this.out = out;
      this.position = position;
    }

    @Override
    public void write(int b) {
      out[position++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      System.arraycopy(b, off, out, position, len);
      position += len;
    }
  }
}

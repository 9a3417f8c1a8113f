package io.kbackup.segment;

import io.kbackup.error.CorruptDataException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.kafka.common.record.TimestampType;

/**
 * One Kafka v2 record batch read from a segment, checked against its CRC32C. Its records are
 * decoded on demand. Every inconsistency is reported as a {@link CorruptDataException} naming the
 * object and position; no other exception escapes the decoding.
 */
public final class RecordBatch {

  /** Larger batches than this are taken as corruption of the length field. */
  static final int MAX_BATCH_BYTES = 512 << 20;

  /**
   * The most bytes the records of one batch take once decompressed. The writer never puts more in a
   * batch, so a batch whose records expand beyond it is damaged or forged: it is refused before it
   * can claim the memory.
   */
  public static final int MAX_RECORDS_BYTES = 64 << 20;

  /** Batches up to this size are read into one array at once; larger ones as the bytes arrive. */
  static final int DIRECT_READ_BYTES = 8 << 20;

  private final byte[] bytes;
  private final String source;
  private final long position;
  private final ByteBuffer header;

  private RecordBatch(byte[] bytes, String source, long position) {
    this.bytes = bytes;
    this.source = source;
    this.position = position;
    this.header = ByteBuffer.wrap(bytes);
  }

  /**
   * Reads the next batch of a stream.
   *
   * @param source the object name, for error messages
   * @param position the batch's position in the object, for error messages
   * @return the batch, or null at the end of the stream
   */
  public static RecordBatch read(InputStream in, String source, long position) throws IOException {
    byte[] head = new byte[12];
    int n = in.readNBytes(head, 0, 12);
    if (n == 0) {
      return null;
    }
    if (n < 12) {
      throw corrupt(source, position, "truncated batch header");
    }
    int length = ByteBuffer.wrap(head).getInt(8);
    if (length < PendingBatch.HEADER_SIZE - 12 || length > MAX_BATCH_BYTES) {
      throw corrupt(source, position, "impossible batch length " + length);
    }
    byte[] bytes = readBatch(in, head, length);
    if (bytes == null) {
      throw corrupt(source, position, "truncated batch");
    }
    RecordBatch batch = new RecordBatch(bytes, source, position);
    batch.check();
    return batch;
  }

  /**
   * The batch's first 12 bytes and the {@code length} after them; null if the stream ends first.
   */
  private static byte[] readBatch(InputStream in, byte[] head, int length) throws IOException {
    byte[] bytes;
    if (length > DIRECT_READ_BYTES) {
      // a damaged length must not claim more memory than the object holds: read what is there
      byte[] body = in.readNBytes(length);
      if (body.length != length) {
        return null;
      }
      bytes = new byte[12 + length];
      System.arraycopy(body, 0, bytes, 12, length);
    } else {
      bytes = new byte[12 + length];
      try {
        if (in.readNBytes(bytes, 12, length) != length) {
          return null;
        }
      } catch (EOFException e) {
        return null;
      }
    }
    System.arraycopy(head, 0, bytes, 0, 12);
    return bytes;
  }

  private void check() {
    if (bytes[16] != PendingBatch.MAGIC) {
      throw corrupt(source, position, "unsupported batch magic " + bytes[16]);
    }
    CRC32C crc = new CRC32C();
    crc.update(
        bytes, PendingBatch.ATTRIBUTES_OFFSET, bytes.length - PendingBatch.ATTRIBUTES_OFFSET);
    if ((int) crc.getValue() != header.getInt(PendingBatch.CRC_OFFSET)) {
      throw corrupt(source, position, "CRC32C mismatch");
    }
    if (count() < 0 || lastOffsetDelta() < 0) {
      throw corrupt(source, position, "negative record count or offset delta");
    }
  }

  public long baseOffset() {
    return header.getLong(0);
  }

  public long lastOffset() {
    return baseOffset() + lastOffsetDelta();
  }

  private int lastOffsetDelta() {
    return header.getInt(23);
  }

  public long maxTimestamp() {
    return header.getLong(35);
  }

  public int count() {
    return header.getInt(57);
  }

  /** The whole batch as stored, header included. */
  public int sizeInBytes() {
    return bytes.length;
  }

  private int attributes() {
    return header.getShort(PendingBatch.ATTRIBUTES_OFFSET);
  }

  public boolean isControl() {
    return (attributes() & 0x20) != 0;
  }

  public TimestampType timestampType() {
    return (attributes() & PendingBatch.TIMESTAMP_TYPE_BIT) != 0
        ? TimestampType.LOG_APPEND_TIME
        : TimestampType.CREATE_TIME;
  }

  /** Decodes every record of the batch. */
  public List<BackupRecord> records() {
    if (isControl()) {
      return List.of(); // transaction markers are not data
    }
    try {
      return decode();
    } catch (CorruptDataException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw corrupt(source, position, "undecodable records (" + e.getClass().getSimpleName() + ")");
    }
  }

  private List<BackupRecord> decode() throws IOException {
    byte[] data;
    try {
      Codec codec = Codec.fromId(attributes() & 0x07);
      data =
          codec.decompress(
              bytes, PendingBatch.HEADER_SIZE, bytes.length - PendingBatch.HEADER_SIZE);
    } catch (CorruptDataException e) {
      throw corrupt(source, position, e.getMessage());
    }
    ByteBuffer in = ByteBuffer.wrap(data);
    int count = count();
    long baseOffset = baseOffset();
    long baseTimestamp = header.getLong(27);
    TimestampType type = timestampType();
    boolean logAppendTime = type == TimestampType.LOG_APPEND_TIME;
    List<BackupRecord> result = new ArrayList<>(Math.min(count, 1 << 16));
    long previousOffset = -1;
    for (int i = 0; i < count; i++) {
      int length = readVarint(in);
      int end = in.position() + length;
      if (length < 0 || end > in.limit()) {
        throw corrupt(source, position, "record " + i + " overruns its batch");
      }
      in.get(); // record attributes, unused by Kafka
      long timestampDelta = readVarlong(in);
      int offsetDelta = readVarint(in);
      byte[] key = readBytes(in);
      byte[] value = readBytes(in);
      int headerCount = readVarint(in);
      if (headerCount < 0 || headerCount > length) {
        throw corrupt(source, position, "impossible header count " + headerCount);
      }
      List<BackupHeader> headers = new ArrayList<>(headerCount);
      for (int h = 0; h < headerCount; h++) {
        byte[] headerKey = readBytes(in);
        if (headerKey == null) {
          throw corrupt(source, position, "null header key");
        }
        headers.add(new BackupHeader(new String(headerKey, StandardCharsets.UTF_8), readBytes(in)));
      }
      if (in.position() != end) {
        throw corrupt(source, position, "record " + i + " has a wrong length");
      }
      long offset = baseOffset + offsetDelta;
      if (offsetDelta < 0 || offset <= previousOffset || offset > lastOffset()) {
        throw corrupt(source, position, "record offsets out of order");
      }
      previousOffset = offset;
      long timestamp = logAppendTime ? maxTimestamp() : baseTimestamp + timestampDelta;
      result.add(new BackupRecord(offset, timestamp, type, key, value, headers));
    }
    if (in.hasRemaining()) {
      throw corrupt(source, position, "bytes after the last record");
    }
    if (count > 0 && previousOffset != lastOffset()) {
      throw corrupt(source, position, "last record offset differs from the batch header");
    }
    return result;
  }

  private static byte[] readBytes(ByteBuffer in) {
    int length = readVarint(in);
    if (length < 0) {
      return null;
    }
    if (length > in.remaining()) {
      throw new BufferUnderflowException();
    }
    byte[] b = new byte[length];
    in.get(b);
    return b;
  }

  private static int readVarint(ByteBuffer in) {
    int raw = 0;
    int shift = 0;
    byte b;
    do {
      if (shift > 28) {
        throw new IllegalArgumentException("varint too long");
      }
      b = in.get();
      raw |= (b & 0x7F) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    return (raw >>> 1) ^ -(raw & 1);
  }

  private static long readVarlong(ByteBuffer in) {
    long raw = 0;
    int shift = 0;
    byte b;
    do {
      if (shift > 63) {
        throw new IllegalArgumentException("varlong too long");
      }
      b = in.get();
      raw |= (long) (b & 0x7F) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    return (raw >>> 1) ^ -(raw & 1);
  }

  static CorruptDataException corrupt(String source, long position, String what) {
    return new CorruptDataException(source + " at byte " + position + ": " + what);
  }
}

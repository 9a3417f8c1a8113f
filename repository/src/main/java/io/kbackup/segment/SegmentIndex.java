package io.kbackup.segment;

import io.kbackup.error.CorruptDataException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The index of one segment: one entry per record batch with its offsets, greatest timestamp and
 * position, so a reader can seek by offset or by time without reading the segment.
 */
public record SegmentIndex(List<Entry> entries) {

  static final int MAGIC = 0x4B424958; // "KBIX"
  static final int VERSION = 1;
  static final int ENTRY_SIZE = 40;

  /**
   * The largest index read: 1.6 million batches, far more than a segment of the largest size holds
   * in batches of the smallest size a backup writes, so that a forged index is never read whole.
   */
  public static final int MAX_BYTES = 64 << 20;

  /** One record batch of the segment. */
  public record Entry(
      long baseOffset, long lastOffset, long maxTimestamp, long position, int count, int size) {

    /** The entry that describes a batch read at a position. */
    public static Entry describing(RecordBatch batch, long position) {
      return new Entry(
          batch.baseOffset(),
          batch.lastOffset(),
          batch.maxTimestamp(),
          position,
          batch.count(),
          batch.sizeInBytes());
    }
  }

  public SegmentIndex {
    entries = List.copyOf(entries);
  }

  public byte[] toBytes() {
    ByteBuffer out = ByteBuffer.allocate(12 + entries.size() * ENTRY_SIZE + 4);
    out.putInt(MAGIC).putInt(VERSION).putInt(entries.size());
    for (Entry e : entries) {
      out.putLong(e.baseOffset()).putLong(e.lastOffset()).putLong(e.maxTimestamp());
      out.putLong(e.position()).putInt(e.count()).putInt(e.size());
    }
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  public static SegmentIndex fromBytes(byte[] bytes, String source) {
    if (bytes.length < 16 || (bytes.length - 16) % ENTRY_SIZE != 0) {
      throw new CorruptDataException(source + ": index has an impossible size " + bytes.length);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != in.getInt(bytes.length - 4)) {
      throw new CorruptDataException(source + ": index CRC32C mismatch");
    }
    if (in.getInt() != MAGIC || in.getInt() != VERSION) {
      throw new CorruptDataException(source + ": not a segment index of a known version");
    }
    int count = in.getInt();
    if (count != (bytes.length - 16) / ENTRY_SIZE) {
      throw new CorruptDataException(source + ": index entry count does not match its size");
    }
    List<Entry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      entries.add(
          new Entry(
              in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getInt(), in.getInt()));
    }
    return new SegmentIndex(entries);
  }

  /** Position of the first batch holding an offset at or after {@code offset}; -1 if none. */
  public int firstEntryReaching(long offset) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).lastOffset() >= offset) {
        return i;
      }
    }
    return -1;
  }
}

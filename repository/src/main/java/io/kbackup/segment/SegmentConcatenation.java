package io.kbackup.segment;

import io.kbackup.error.CorruptDataException;
import io.kbackup.storage.Storage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Joins consecutive segments of one partition into one. A segment is a plain run of record batches,
 * so the new one is their bytes one after the other, and its index their entries with the positions
 * moved on: nothing is decompressed or compressed again. Each segment read is checked against its
 * SHA-256 first, so damage is never copied. The segments joined stay as they are.
 */
public final class SegmentConcatenation {

  private SegmentConcatenation() {}

  /** The new segment, stored under {@code keyPrefix}; the segments are in offset order. */
  public static SegmentInfo join(Storage storage, String keyPrefix, List<SegmentInfo> segments)
      throws IOException {
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("nothing to join");
    }
    Path spool = Files.createTempFile(storage.scratchDirectory(), "joined-", ".tmp");
    try {
      List<SegmentIndex.Entry> entries = new ArrayList<>();
      MessageDigest joined = SegmentWriter.sha256();
      long size = 0;
      long records = 0;
      long uncompressed = 0;
      long maxTimestamp = Long.MIN_VALUE;
      long previousLast = -1;
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16)) {
        for (SegmentInfo s : segments) {
          if (s.firstOffset() <= previousLast) {
            throw new IllegalArgumentException(s.key() + " does not follow offset " + previousLast);
          }
          previousLast = s.lastOffset();
          for (SegmentIndex.Entry e : SegmentReader.readIndex(storage, s).entries()) {
            entries.add(
                new SegmentIndex.Entry(
                    e.baseOffset(),
                    e.lastOffset(),
                    e.maxTimestamp(),
                    size + e.position(),
                    e.count(),
                    e.size()));
          }
          copy(storage, s, out, joined);
          size += s.size();
          records += s.recordCount();
          uncompressed += s.uncompressedBytes();
          maxTimestamp = Math.max(maxTimestamp, s.maxTimestamp());
        }
      }
      long first = segments.get(0).firstOffset();
      long last = segments.get(segments.size() - 1).lastOffset();
      String name =
          String.format(
              "%020d-%020d-%s", first, last, UUID.randomUUID().toString().substring(0, 8));
      byte[] index = new SegmentIndex(entries).toBytes();
      storage.put(keyPrefix + name + ".seg", spool);
      storage.put(keyPrefix + name + ".idx", index);
      return new SegmentInfo(
          keyPrefix + name + ".seg",
          size,
          HexFormat.of().formatHex(joined.digest()),
          keyPrefix + name + ".idx",
          index.length,
          HexFormat.of().formatHex(SegmentWriter.sha256().digest(index)),
          first,
          last,
          records,
          maxTimestamp,
          uncompressed);
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  private static void copy(Storage storage, SegmentInfo s, OutputStream out, MessageDigest joined)
      throws IOException {
    MessageDigest own = SegmentWriter.sha256();
    long copied = 0;
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = storage.get(s.key())) {
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        own.update(buffer, 0, n);
        joined.update(buffer, 0, n);
        out.write(buffer, 0, n);
        copied += n;
      }
    }
    String sha256 = HexFormat.of().formatHex(own.digest());
    if (copied != s.size() || !sha256.equals(s.sha256())) {
      throw new CorruptDataException(
          s.key()
              + ": "
              + copied
              + " bytes with SHA-256 "
              + sha256
              + ", the snapshot says "
              + s.size()
              + " bytes with "
              + s.sha256());
    }
  }
}

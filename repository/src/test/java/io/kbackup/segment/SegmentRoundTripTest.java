package io.kbackup.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.error.CorruptDataException;
import io.kbackup.storage.FileSystemStorage;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentRoundTripTest {

  @TempDir Path dir;

  static List<BackupRecord> corpus() {
    List<BackupRecord> records = new ArrayList<>();
    byte[] empty = new byte[0];
    records.add(new BackupRecord(0, 1000, TimestampType.CREATE_TIME, null, bytes("v0"), List.of()));
    records.add(new BackupRecord(1, 999, TimestampType.CREATE_TIME, empty, null, List.of()));
    records.add(
        new BackupRecord(
            2,
            1001,
            TimestampType.CREATE_TIME,
            bytes("k"),
            empty,
            List.of(
                new BackupHeader("dup", bytes("a")), new BackupHeader("dup", bytes("b")),
                new BackupHeader("nul", null), new BackupHeader("emp", empty))));
    // a gap, as compaction or transaction markers leave
    records.add(
        new BackupRecord(
            7, 5000, TimestampType.LOG_APPEND_TIME, bytes("k"), bytes("x"), List.of()));
    records.add(
        new BackupRecord(
            8, 5000, TimestampType.LOG_APPEND_TIME, bytes("k"), bytes("y"), List.of()));
    records.add(new BackupRecord(9, 6000, TimestampType.LOG_APPEND_TIME, null, null, List.of()));
    records.add(
        new BackupRecord(10, -1, TimestampType.CREATE_TIME, bytes("k"), bytes("z"), List.of()));
    for (int i = 0; i < 5000; i++) {
      records.add(
          new BackupRecord(
              100 + 2L * i,
              10_000 + i,
              TimestampType.CREATE_TIME,
              bytes("key-" + (i % 17)),
              bytes("{\"id\":" + i + ",\"name\":\"record " + i + "\"}"),
              List.of(new BackupHeader("h", bytes(Integer.toString(i))))));
    }
    return records;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private List<SegmentInfo> write(
      FileSystemStorage storage, List<BackupRecord> records, SegmentSettings settings)
      throws Exception {
    try (SegmentWriters writers = new SegmentWriters(storage, settings, 1)) {
      SegmentWriter writer = writers.open("data/t/0/");
      for (BackupRecord r : records) {
        writer.append(r);
      }
      return writer.finish();
    }
  }

  private static List<BackupRecord> readAll(
      FileSystemStorage storage, List<SegmentInfo> segments, long from) throws Exception {
    List<BackupRecord> out = new ArrayList<>();
    for (SegmentInfo s : segments) {
      try (SegmentReader reader = SegmentReader.open(storage, s, from)) {
        for (RecordBatch b = reader.next(); b != null; b = reader.next()) {
          out.addAll(b.records());
        }
      }
    }
    return out;
  }

  @Test
  void keepsEveryFieldThroughZstdSegmentsCutSmall() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir.resolve("repo"));
    List<BackupRecord> records = corpus();
    List<SegmentInfo> segments =
        write(storage, records, new SegmentSettings(Codec.ZSTD, 3, 4096, 20_000));

    assertThat(segments.size()).isGreaterThan(3);
    assertThat(segments.stream().mapToLong(SegmentInfo::recordCount).sum())
        .isEqualTo(records.size());
    assertThat(segments.get(0).firstOffset()).isEqualTo(0);
    assertThat(segments.get(segments.size() - 1).lastOffset()).isEqualTo(100 + 2L * 4999);
    assertThat(readAll(storage, segments, 0)).containsExactlyElementsOf(records);
  }

  @Test
  void seeksThroughTheIndexToALaterOffset() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir.resolve("repo"));
    List<BackupRecord> records = corpus();
    List<SegmentInfo> segments =
        write(storage, records, new SegmentSettings(Codec.NONE, 0, 2048, 1 << 30));
    assertThat(segments).hasSize(1);

    List<BackupRecord> fromLate = readAll(storage, segments, 9000);
    assertThat(fromLate.get(0).offset()).isLessThanOrEqualTo(9000);
    assertThat(fromLate.get(fromLate.size() - 1).offset()).isEqualTo(100 + 2L * 4999);
    assertThat(fromLate.size()).isLessThan(records.size() / 2);
  }

  @Test
  void batchesAreReadableByKafkasOwnRecordClasses() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir.resolve("repo"));
    List<BackupRecord> records = corpus();
    List<SegmentInfo> segments =
        write(storage, records, new SegmentSettings(Codec.ZSTD, 3, 8192, 1 << 30));
    byte[] file = Files.readAllBytes(dir.resolve("repo").resolve(segments.get(0).key()));

    MemoryRecords kafka = MemoryRecords.readableRecords(ByteBuffer.wrap(file));
    List<Long> offsets = new ArrayList<>();
    kafka
        .batches()
        .forEach(
            batch -> {
              batch.ensureValid();
              for (Record r : batch) {
                offsets.add(r.offset());
              }
            });
    assertThat(offsets)
        .containsExactlyElementsOf(records.stream().map(BackupRecord::offset).toList());
    Record middle = kafka.records().iterator().next();
    assertThat(middle.hasKey()).isFalse();
  }

  @Test
  void detectsAFlippedBitInABatch() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir.resolve("repo"));
    List<SegmentInfo> segments =
        write(storage, corpus(), new SegmentSettings(Codec.ZSTD, 3, 8192, 1 << 30));
    Path file = dir.resolve("repo").resolve(segments.get(0).key());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(file, bytes);

    assertThatThrownBy(() -> readAll(storage, segments, 0))
        .isInstanceOfSatisfying(
            CorruptDataException.class, e -> assertThat(e.exitCode()).isEqualTo(13))
        .hasMessageContaining(segments.get(0).key())
        .hasMessageContaining("CRC32C mismatch");
  }

  @Test
  void detectsADamagedBaseOffsetThroughTheIndex() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir.resolve("repo"));
    List<SegmentInfo> segments =
        write(storage, corpus(), new SegmentSettings(Codec.NONE, 0, 2048, 1 << 30));
    SegmentIndex.Entry middle =
        SegmentReader.readIndex(storage, segments.get(0)).entries().stream()
            .filter(e -> e.baseOffset() >= 200)
            .findFirst()
            .orElseThrow();
    Path file = dir.resolve("repo").resolve(segments.get(0).key());
    byte[] bytes = Files.readAllBytes(file);
    // the lowest bit of the base offset, which the batch's CRC32C does not cover: with the gaps
    // between batches, the batch's records would move by one offset and still look in order
    bytes[(int) middle.position() + 7] ^= 1;
    Files.write(file, bytes);

    assertThatThrownBy(() -> readAll(storage, segments, 0))
        .isInstanceOf(CorruptDataException.class)
        .hasMessage(
            segments.get(0).key()
                + " at byte "
                + middle.position()
                + ": batch differs from its index entry");
  }

  @Test
  void aDamagedBatchLengthClaimsNoMoreMemoryThanTheObjectHolds() throws Exception {
    byte[] bytes = new byte[200];
    ByteBuffer.wrap(bytes).putInt(8, 500 << 20);
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();

    assertThatThrownBy(() -> RecordBatch.read(new ByteArrayInputStream(bytes), "x.seg", 0))
        .isInstanceOf(CorruptDataException.class)
        .hasMessage("x.seg at byte 0: truncated batch");
    assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(16 << 20);
  }

  @Test
  void manyConcurrentWritersShareTheBatchMemoryBudget() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir.resolve("repo"));
    SegmentSettings settings = new SegmentSettings(Codec.ZSTD, 1, 1 << 20, 1 << 30);
    try (SegmentWriters few = new SegmentWriters(storage, settings, 4);
        SegmentWriters many = new SegmentWriters(storage, settings, 2000)) {
      assertThat(few.batchBytes()).isEqualTo(1 << 20);
      assertThat(many.batchBytes()).isEqualTo((int) (SegmentWriters.BATCH_MEMORY_BUDGET / 2000));
      assertThat((long) many.batchBytes() * 2000)
          .isLessThanOrEqualTo(SegmentWriters.BATCH_MEMORY_BUDGET);
    }
  }
}

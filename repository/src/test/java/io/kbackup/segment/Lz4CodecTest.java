package io.kbackup.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.storage.FileSystemStorage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LZ4 batches round-trip, and Kafka's own classes read them as LZ4 batches. */
class Lz4CodecTest {

  @TempDir Path dir;

  @Test
  void lz4BatchesRoundTripAndKafkaReadsThem() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    List<BackupRecord> records = SegmentRoundTripTest.corpus();
    for (int level : new int[] {1, 9}) {
      List<SegmentInfo> segments;
      try (SegmentWriters writers =
          new SegmentWriters(storage, new SegmentSettings(Codec.LZ4, level, 8192, 1 << 30), 1)) {
        SegmentWriter writer = writers.open("data/lz4-" + level + "/0/");
        for (BackupRecord r : records) {
          writer.append(r);
        }
        segments = writer.finish();
      }
      List<BackupRecord> read = new ArrayList<>();
      for (SegmentInfo s : segments) {
        try (SegmentReader reader = SegmentReader.open(storage, s, 0)) {
          for (var batch = reader.next(); batch != null; batch = reader.next()) {
            read.addAll(batch.records());
          }
        }
      }
      assertThat(read).containsExactlyElementsOf(records);
      assertThat(segments.get(0).size()).isLessThan(segments.get(0).uncompressedBytes());

      byte[] file = Files.readAllBytes(dir.resolve(segments.get(0).key()));
      MemoryRecords kafka = MemoryRecords.readableRecords(ByteBuffer.wrap(file));
      List<byte[]> values = new ArrayList<>();
      for (RecordBatch batch : kafka.batches()) {
        batch.ensureValid();
        assertThat(batch.compressionType().name).isEqualTo("lz4");
        for (Record r : batch) {
          values.add(r.hasValue() ? toBytes(r.value()) : null);
        }
      }
      assertThat(values).hasSize(records.size());
      for (int i = 0; i < records.size(); i++) {
        assertThat(Arrays.equals(values.get(i), records.get(i).value())).as("record " + i).isTrue();
      }
    }
  }

  private static byte[] toBytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}

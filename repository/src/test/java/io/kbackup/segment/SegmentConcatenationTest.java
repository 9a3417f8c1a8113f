package io.kbackup.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.error.CorruptDataException;
import io.kbackup.storage.FileSystemStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Joined segments read back as the records of the segments joined, found by offset and time. */
class SegmentConcatenationTest {

  @TempDir Path dir;

  @Test
  void aJoinedSegmentHoldsTheRecordsOfItsPartsWithAnIndexThatFindsThem() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    List<BackupRecord> records = SegmentRoundTripTest.corpus();
    // three segments of one partition, each written as a backup would, small batches
    List<SegmentInfo> parts = new ArrayList<>();
    try (SegmentWriters writers =
        new SegmentWriters(storage, new SegmentSettings(Codec.ZSTD, 1, 4096, 1 << 30), 1)) {
      int third = records.size() / 3;
      for (int part = 0; part < 3; part++) {
        SegmentWriter writer = writers.open("data/t/0/");
        int end = part == 2 ? records.size() : (part + 1) * third;
        for (BackupRecord r : records.subList(part * third, end)) {
          writer.append(r);
        }
        parts.addAll(writer.finish());
      }
    }
    assertThat(parts).hasSize(3);

    SegmentInfo joined = SegmentConcatenation.join(storage, "data/t/0/", parts);

    assertThat(joined.firstOffset()).isEqualTo(parts.get(0).firstOffset());
    assertThat(joined.lastOffset()).isEqualTo(parts.get(2).lastOffset());
    assertThat(joined.recordCount()).isEqualTo(records.size());
    assertThat(joined.size()).isEqualTo(parts.stream().mapToLong(SegmentInfo::size).sum());
    assertThat(joined.maxTimestamp())
        .isEqualTo(parts.stream().mapToLong(SegmentInfo::maxTimestamp).max().orElseThrow());
    assertThat(readAll(storage, joined, 0)).containsExactlyElementsOf(records);
    // the index finds a batch of the last part by offset
    long middle = records.get(records.size() - 2).offset();
    List<BackupRecord> tail = readAll(storage, joined, middle);
    assertThat(tail.get(tail.size() - 1)).isEqualTo(records.get(records.size() - 1));
    assertThat(tail.get(0).offset()).isLessThanOrEqualTo(middle);
    assertThat(SegmentReader.readIndex(storage, joined).entries())
        .hasSize(
            parts.stream()
                .mapToInt(
                    p -> {
                      try {
                        return SegmentReader.readIndex(storage, p).entries().size();
                      } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      }
                    })
                .sum());
  }

  @Test
  void aDamagedPartIsRefusedAndNothingIsStored() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    List<SegmentInfo> parts = new ArrayList<>();
    try (SegmentWriters writers =
        new SegmentWriters(storage, new SegmentSettings(Codec.NONE, 0, 4096, 1 << 30), 1)) {
      List<BackupRecord> records = SegmentRoundTripTest.corpus();
      for (int part = 0; part < 2; part++) {
        SegmentWriter writer = writers.open("data/d/0/");
        for (BackupRecord r : records.subList(part * 10, part * 10 + 10)) {
          writer.append(r);
        }
        parts.addAll(writer.finish());
      }
    }
    Path second = dir.resolve(parts.get(1).key());
    byte[] bytes = Files.readAllBytes(second);
    bytes[bytes.length / 2] ^= (byte) 0xff;
    Files.write(second, bytes);
    List<String> before = storage.list("data/d/0/").stream().map(o -> o.key()).toList();

    assertThatThrownBy(() -> SegmentConcatenation.join(storage, "data/d/0/", parts))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageContaining(parts.get(1).key());
    assertThat(storage.list("data/d/0/").stream().map(o -> o.key()).toList())
        .containsExactlyElementsOf(before);
  }

  private static List<BackupRecord> readAll(FileSystemStorage storage, SegmentInfo s, long from)
      throws Exception {
    List<BackupRecord> read = new ArrayList<>();
    try (SegmentReader reader = SegmentReader.open(storage, s, from)) {
      for (var batch = reader.next(); batch != null; batch = reader.next()) {
        read.addAll(batch.records());
      }
    }
    return read;
  }
}

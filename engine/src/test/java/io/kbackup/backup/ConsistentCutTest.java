package io.kbackup.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.testing.SnapshotRecords;
import io.kbackup.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsistentCutTest {

  /**
   * A producer writes a global sequence round-robin over three partitions, each record acknowledged
   * before the next is sent, so at every instant the written records are exactly a prefix of the
   * sequence. A consistent cut must therefore hold exactly such a prefix.
   */
  @Test
  void snapshotsTakenWhileProducersWriteHoldExactlyAPrefixOfWhatWasWritten(@TempDir Path dir)
      throws Exception {
    LocalKafka kafka = SharedKafka.primary();
    String topic = "live";
    Topics.create(kafka.bootstrapServers(), topic, 3);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong written = new AtomicLong();
    Thread writer =
        new Thread(
            () -> {
              try (KafkaProducer<byte[], byte[]> producer =
                  Topics.producer(kafka.bootstrapServers())) {
                for (long seq = 0; !stop.get(); seq++) {
                  producer
                      .send(
                          new ProducerRecord<>(
                              topic, (int) (seq % 3), null, Topics.bytes(Long.toString(seq))))
                      .get();
                  written.set(seq + 1);
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    writer.start();
    Repository repo = Repository.init(new FileSystemStorage(dir), SegmentSettings.defaults());
    KafkaConnection connection = KafkaConnection.of(kafka.bootstrapServers());
    List<SnapshotManifest> snapshots = new ArrayList<>();
    try {
      while (written.get() < 300) {
        Thread.sleep(20);
      }
      snapshots.add(
          new Backup(repo, connection, new BackupOptions(TopicSelector.of(topic, null), false))
              .run()
              .snapshot());
      long before = written.get();
      while (written.get() < before + 300) {
        Thread.sleep(20);
      }
      snapshots.add(
          new Backup(repo, connection, new BackupOptions(TopicSelector.of(topic, null), false))
              .run()
              .snapshot());
    } finally {
      stop.set(true);
      writer.join();
    }

    List<TopicContents.Entry> source = TopicContents.read(kafka.bootstrapServers(), topic);
    long previousPrefix = 0;
    for (SnapshotManifest snapshot : snapshots) {
      List<Long> sequence = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        PartitionSnapshot ps = SnapshotRecords.partition(snapshot, topic, p);
        List<BackupRecord> records = SnapshotRecords.read(repo, snapshot, topic, p);
        assertThat(records).hasSize((int) (ps.endOffset() - ps.startOffset()));
        assertThat(records.stream().map(BackupRecord::offset).toList())
            .isEqualTo(
                java.util.stream.LongStream.range(ps.startOffset(), ps.endOffset())
                    .boxed()
                    .toList());
        int partition = p;
        List<String> expected =
            source.stream()
                .filter(e -> e.partition() == partition && e.offset() < ps.endOffset())
                .map(TopicContents.Entry::value)
                .toList();
        assertThat(records.stream().map(r -> java.util.Arrays.toString(r.value())).toList())
            .isEqualTo(expected);
        records.forEach(
            r -> sequence.add(Long.parseLong(new String(r.value(), StandardCharsets.UTF_8))));
      }
      sequence.sort(Long::compare);
      assertThat(sequence)
          .isEqualTo(java.util.stream.LongStream.range(0, sequence.size()).boxed().toList());
      assertThat((long) sequence.size()).isGreaterThanOrEqualTo(previousPrefix + 300);
      previousPrefix = sequence.size();
    }
    assertThat(written.get()).isGreaterThan(previousPrefix);
  }
}

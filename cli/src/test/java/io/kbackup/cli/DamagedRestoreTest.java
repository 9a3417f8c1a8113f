package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.segment.Codec;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentReader;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged segment stops a restore with the damage named; asked to, the restore brings back every
 * partition up to the damage, lists what it skipped and ends with exit 3.
 */
class DamagedRestoreTest {

  static final String TOPIC = "dmg-seq";

  @Test
  void aRestoreStopsAtDamageOrRestoresWhatIsIntact(@TempDir Path dir) throws Exception {
    String b = SharedKafka.primary().bootstrapServers();
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", b))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
    }
    try (KafkaProducer<byte[], byte[]> producer = TestTopics.producer(b)) {
      for (int i = 0; i < 2000; i++) {
        for (int part = 0; part < 2; part++) {
          producer.send(
              new ProducerRecord<>(
                  TOPIC,
                  part,
                  ("k" + i).getBytes(StandardCharsets.UTF_8),
                  SequenceTopic.payload(part, i).getBytes(StandardCharsets.UTF_8)));
        }
      }
    }
    Path repoDir = dir.resolve("repo");
    Repository repo =
        Repository.init(
            new FileSystemStorage(repoDir), new SegmentSettings(Codec.ZSTD, 1, 16 << 10, 64 << 10));
    String r = repoDir.toString();
    assertThat(CliRunner.run("backup", "--repo", r, "-b", b, "--topics", TOPIC).exitCode())
        .isZero();
    SnapshotManifest snapshot = repo.latestSnapshot().orElseThrow();
    PartitionSnapshot damaged = snapshot.topics().get(0).partitions().get(1);
    assertThat(damaged.segments()).hasSizeGreaterThan(3);
    SegmentInfo third = damaged.segments().get(2);
    try (FileChannel ch =
        FileChannel.open(repoDir.resolve(third.key()), StandardOpenOption.WRITE)) {
      // inside the records of the segment's second batch, which its CRC32C covers (a byte of the
      // header's leader epoch, say, is not data and may change without harm)
      var batch = SegmentReader.readIndex(repo.storage(), third).entries().get(1);
      ch.write(ByteBuffer.wrap(new byte[] {0x13, 0x37}), batch.position() + 61 + batch.size() / 2);
    }

    CliRunner.Result refused =
        CliRunner.run(
            "restore", "--repo", r, "-b", b, "--topic-map", TOPIC + "=dmg-refused", "--data-only");
    BadInputTest.assertOneClearError(refused, 13, third.key() + " at byte ");

    CliRunner.Result partial =
        CliRunner.run(
            "restore",
            "--repo",
            r,
            "-b",
            b,
            "--topic-map",
            TOPIC + "=dmg-intact",
            "--data-only",
            "--skip-damaged");
    assertThat(partial.exitCode()).as(partial.err()).isEqualTo(3);
    // partition 1 comes back up to the first damaged batch: past the two sound segments, and
    // perhaps a few sound batches of the damaged one
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "skipped damaged data: "
                    + TOPIC
                    + "-1: restored (\\d+) of 2000 records, up to the damage: "
                    + java.util.regex.Pattern.quote(third.key())
                    + " at byte \\d+: .+")
            .matcher(partial.out());
    assertThat(m.find()).as(partial.out()).isTrue();
    long intact = Long.parseLong(m.group(1));
    assertThat(intact).isBetween(third.firstOffset(), third.lastOffset());
    List<TopicContents.Entry> source = TopicContents.read(b, TOPIC);
    List<TopicContents.Entry> restored = TopicContents.read(b, "dmg-intact");
    assertThat(restored.stream().filter(e -> e.partition() == 0).toList())
        .isEqualTo(source.stream().filter(e -> e.partition() == 0).toList());
    assertThat(restored.stream().filter(e -> e.partition() == 1).toList())
        .isEqualTo(source.stream().filter(e -> e.partition() == 1).limit(intact).toList());
  }
}

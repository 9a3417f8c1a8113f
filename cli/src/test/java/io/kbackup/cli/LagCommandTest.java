package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.SharedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lag} measures, between backups, how far the newest snapshot is behind each topic. */
class LagCommandTest {

  @Test
  void showsAndRecordsTheRecordsAppendedSinceTheNewestSnapshot(@TempDir Path dir) throws Exception {
    String b = SharedKafka.primary().bootstrapServers();
    TestTopics.create(b, 3, "lag-a", "lag-b");
    String repo = dir.resolve("repo").toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
    try (KafkaProducer<byte[], byte[]> producer = TestTopics.producer(b)) {
      TestTopics.sendAll(producer, records("lag-a", 30));
      TestTopics.sendAll(producer, records("lag-b", 5));
      CliRunner.Result backup =
          CliRunner.run("backup", "--repo", repo, "-b", b, "--topics", "lag-.*");
      assertThat(backup.exitCode()).as(backup.err()).isZero();
      TestTopics.sendAll(producer, records("lag-a", 17));
    }
    Path metrics = dir.resolve("lag.prom");
    CliRunner.Result lag =
        CliRunner.run("lag", "--repo", repo, "-b", b, "--metrics-file", metrics.toString());
    assertThat(lag.exitCode()).as(lag.err()).isZero();
    List<String> lines = lag.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).matches("TOPIC\\s+RECORDS-BEHIND\\s+CUT\\s+AGE");
    assertThat(lines.get(1)).matches("lag-a\\s+17\\s+\\S+\\s+\\d+ s");
    assertThat(lines.get(2)).matches("lag-b\\s+0\\s+\\S+\\s+\\d+ s");
    CliRunner.Result json = CliRunner.run("lag", "--repo", repo, "-b", b, "--json");
    assertThat(json.exitCode()).as(json.err()).isZero();
    var topics = json.jsonLines();
    assertThat(topics).hasSize(2);
    assertThat(topics.get(0).get("type").asText()).isEqualTo("lag");
    assertThat(topics.get(0).get("topic").asText()).isEqualTo("lag-a");
    assertThat(topics.get(0).get("records").asLong()).isEqualTo(17);
    assertThat(topics.get(1).get("topic").asText()).isEqualTo("lag-b");
    assertThat(topics.get(1).get("records").asLong()).isZero();
    String text = Files.readString(metrics);
    assertThat(text)
        .contains("kbackup_backup_lag_records{repository=\"" + repo + "\",topic=\"lag-a\"} 17.0")
        .contains("kbackup_backup_lag_records{repository=\"" + repo + "\",topic=\"lag-b\"} 0.0")
        .contains("kbackup_last_run_success{operation=\"lag\",repository=\"" + repo + "\"} 1.0");
  }

  private static List<ProducerRecord<byte[], byte[]>> records(String topic, int count) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(new ProducerRecord<>(topic, i % 3, null, new byte[] {(byte) i}));
    }
    return records;
  }
}

package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code estimate} measures the ratio a backup achieves: a sample of a topic's newest records,
 * stored with the backup's segment writer, compresses like the whole topic does in a real backup.
 */
class EstimateTest {

  static final String TOPIC = "estimate-orders";
  static final int RECORDS = 20_000;
  static final ObjectMapper JSON = new ObjectMapper();
  static LocalKafka kafka;
  @TempDir static Path dir;

  @BeforeAll
  static void writeJsonLikeOrders() throws Exception {
    kafka = SharedKafka.primary();
    Properties client = kafka.client();
    try (Admin admin = Admin.create(client)) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
    }
    Random random = new Random(42);
    String[] statuses = {"NEW", "PAID", "SHIPPED", "CANCELLED"};
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(client, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        String value =
            String.format(
                "{\"orderId\":%d,\"customer\":\"customer-%05d\",\"items\":[{\"sku\":\"SKU-%04d\","
                    + "\"qty\":%d,\"price\":%d.%02d}],\"status\":\"%s\",\"note\":\"%s\"}",
                i,
                random.nextInt(5000),
                random.nextInt(2000),
                1 + random.nextInt(5),
                random.nextInt(500),
                random.nextInt(100),
                statuses[random.nextInt(statuses.length)],
                Long.toHexString(random.nextLong()));
        producer.send(
            new ProducerRecord<>(
                TOPIC,
                i % 2,
                ("order-" + i).getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }

  @Test
  void theSampledRatioIsTheRatioARealBackupAchieves() throws Exception {
    String repo = dir.resolve("repo").toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
    CliRunner.Result backup =
        CliRunner.run(
            "backup", "--repo", repo, "-b", kafka.bootstrapServers(), "--topics", TOPIC, "--json");
    assertThat(backup.exitCode()).as(backup.err()).isZero();
    JsonNode backedUp = backup.summary();
    double backupRatio =
        backedUp.get("bytesWritten").asDouble() / backedUp.get("bytesRead").asDouble();

    CliRunner.Result estimate =
        CliRunner.run(
            "estimate",
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            TOPIC,
            "--sample-records",
            "2000",
            "--keep-daily",
            "7",
            "--json");

    assertThat(estimate.exitCode()).as(estimate.err()).isZero();
    JsonNode result = JSON.readTree(estimate.out());
    JsonNode topic = result.get("topics").get(0);
    assertThat(topic.get("topic").asText()).isEqualTo(TOPIC);
    assertThat(topic.get("records").asLong()).isEqualTo(RECORDS);
    assertThat(topic.get("sampledRecords").asLong()).isEqualTo(4000);
    assertThat(topic.get("brokerBytes").asLong()).isPositive();
    assertThat(topic.get("ratio").asDouble()).isCloseTo(backupRatio, within(backupRatio, 0.15));
    assertThat((double) topic.get("fullBackupBytes").asLong())
        .isCloseTo(
            backedUp.get("bytesWritten").asDouble(),
            within(backedUp.get("bytesWritten").asDouble(), 0.15));
    // the retention arithmetic: a full backup plus six days of growth
    assertThat(result.get("windowSeconds").asLong()).isEqualTo(6 * 86400);
    long full = topic.get("fullBackupBytes").asLong();
    long perDay = topic.get("growthPerDayBytes").asLong();
    assertThat(perDay).isPositive();
    assertThat(topic.get("retainedBytes").asLong()).isEqualTo(full + 6 * perDay);
  }

  @Test
  void theTableShowsEveryTopicAndATotal() {
    CliRunner.Result r =
        CliRunner.run("estimate", "-b", kafka.bootstrapServers(), "--topics", TOPIC);

    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0))
        .startsWith("topic")
        .contains("records", "on brokers", "ratio", "full backup", "per day", "retained");
    assertThat(lines.get(1)).startsWith(TOPIC).contains(" " + RECORDS + " ");
    assertThat(lines.get(2)).startsWith("total");
    assertThat(r.out()).contains("retained: no --keep option given");
  }

  private static org.assertj.core.data.Offset<Double> within(double value, double fraction) {
    return org.assertj.core.data.Offset.offset(value * fraction);
  }
}

package io.kbackup.localkafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes sample topics that exercise every detail a backup must keep: null and empty keys and
 * values, tombstones, duplicate and null headers, old timestamps, log-append time, and a
 * transactional producer with committed and aborted transactions (which leave offset gaps), and a
 * consumer group with committed offsets.
 */
public final class SampleTopics {

  public static final String ORDERS = "orders";
  public static final String PAYMENTS = "payments";
  public static final String AUDIT = "audit";

  private SampleTopics() {}

  /** Topic names written by {@link #write}, with the prefix applied. */
  public static List<String> names(String prefix) {
    return List.of(prefix + ORDERS, prefix + PAYMENTS, prefix + AUDIT);
  }

  public static void write(String bootstrapServers, String prefix, int ordersPerPartition)
      throws Exception {
    Properties client = new Properties();
    client.put("bootstrap.servers", bootstrapServers);
    write(client, prefix, ordersPerPartition);
  }

  /** Writes the sample topics with these client properties, which name the bootstrap servers. */
  public static void write(Properties client, String prefix, int ordersPerPartition)
      throws Exception {
    try (Admin admin = Admin.create(client)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(prefix + ORDERS, Optional.of(3), Optional.empty())
                      .configs(Map.of("retention.ms", "604800000")),
                  new NewTopic(prefix + PAYMENTS, 2, (short) 1),
                  new NewTopic(prefix + AUDIT, 1, (short) 1)
                      .configs(Map.of("message.timestamp.type", "LogAppendTime"))))
          .all()
          .get();
    }
    awaitLeaders(client, names(prefix));
    try (KafkaProducer<byte[], byte[]> producer = producer(client, null)) {
      long base = 1_600_000_000_000L; // September 2020: older than any retention
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        for (int i = 0; i < ordersPerPartition; i++) {
          sent.add(producer.send(order(prefix + ORDERS, p, i, base + i * 1000L)));
        }
      }
      for (int i = 0; i < 20; i++) {
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    prefix + AUDIT, 0, null, bytes("user-" + (i % 3)), bytes("login " + i))));
      }
      producer.flush();
      for (Future<RecordMetadata> f : sent) {
        f.get(); // a record that was not written fails here, not later as a missing record
      }
    }
    try (KafkaProducer<byte[], byte[]> tx = producer(client, "kbackup-sample-tx")) {
      tx.initTransactions();
      for (int t = 0; t < 4; t++) {
        tx.beginTransaction();
        for (int i = 0; i < 10; i++) {
          tx.send(
              new ProducerRecord<>(
                  prefix + PAYMENTS,
                  i % 2,
                  bytes("payment-" + t + "-" + i),
                  bytes("{\"tx\":" + t + ",\"amount\":" + (i * 10) + "}")));
        }
        if (t == 1) {
          tx.flush(); // so the aborted records reach the log and leave their gap
          tx.abortTransaction();
        } else {
          tx.commitTransaction();
        }
        // the next transaction starts once this one's markers are written
        awaitTransactionMarkers(client, prefix + PAYMENTS, 2);
      }
    }
    awaitTransactionMarkers(client, prefix + PAYMENTS, 2);
    // a consumer group halfway through the orders, and one past the aborted payments
    try (Admin admin = Admin.create(client)) {
      admin
          .alterConsumerGroupOffsets(
              prefix + "order-readers",
              Map.of(
                  new TopicPartition(prefix + ORDERS, 0),
                  new OffsetAndMetadata(ordersPerPartition / 2),
                  new TopicPartition(prefix + PAYMENTS, 0),
                  new OffsetAndMetadata(8)))
          .all()
          .get();
    }
  }

  /** New topics are usable once every partition has a leader. */
  private static void awaitLeaders(Properties client, List<String> topics) throws Exception {
    try (Admin admin = Admin.create(client)) {
      for (int attempt = 0; attempt < 300; attempt++) {
        var described = admin.describeTopics(topics).allTopicNames().get();
        if (described.values().stream()
            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null))) {
          return;
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("topics " + topics + " got no leaders");
    }
  }

  /** Commit returns before the markers are written; wait until every partition is stable. */
  private static void awaitTransactionMarkers(Properties client, String topic, int partitions)
      throws Exception {
    try (Admin admin = Admin.create(client)) {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        request.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      for (int attempt = 0; attempt < 300; attempt++) {
        var stable =
            admin
                .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all()
                .get();
        var end = admin.listOffsets(request).all().get();
        if (request.keySet().stream()
            .allMatch(tp -> stable.get(tp).offset() == end.get(tp).offset())) {
          return;
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("transactions on " + topic + " did not complete");
    }
  }

  private static ProducerRecord<byte[], byte[]> order(String topic, int partition, int i, long ts) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace-id", bytes("trace-" + partition + "-" + i));
    if (i % 5 == 0) {
      headers.add("tag", bytes("first"));
      headers.add("tag", bytes("second"));
      headers.add("nothing", null);
      headers.add("empty", new byte[0]);
    }
    byte[] key;
    byte[] value;
    switch (i % 10) {
      case 3 -> {
        key = null;
        value = bytes("{\"order\":" + i + ",\"note\":\"no key\"}");
      }
      case 4 -> {
        key = new byte[0];
        value = new byte[0];
      }
      case 7 -> {
        key = bytes("customer-" + (i % 13));
        value = null; // tombstone
      }
      case 8 -> {
        key = new byte[] {0, (byte) 0xFF, 0x7F, (byte) 0x80};
        value = new byte[] {(byte) 0xC3, 0x28, 0, 1};
      }
      default -> {
        key = bytes("customer-" + (i % 13));
        value =
            bytes(
                "{\"order\":"
                    + i
                    + ",\"partition\":"
                    + partition
                    + ",\"items\":[{\"sku\":\"SKU-"
                    + (i * 7 % 101)
                    + "\",\"qty\":"
                    + (1 + i % 4)
                    + "}],\"status\":\"NEW\"}");
      }
    }
    return new ProducerRecord<>(topic, partition, ts, key, value, headers);
  }

  private static KafkaProducer<byte[], byte[]> producer(Properties client, String transactionalId) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    if (transactionalId != null) {
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

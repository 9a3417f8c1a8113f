package io.kbackup.testing;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Small helpers to set up topics on a real broker in tests. */
public final class Topics {

  private Topics() {}

  public static Admin admin(String bootstrap) {
    return Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap));
  }

  public static void create(String bootstrap, String topic, int partitions) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return producer(bootstrap, Map.of());
  }

  /** A producer with settings of the test's own, such as a batch size. */
  public static KafkaProducer<byte[], byte[]> producer(
      String bootstrap, Map<String, String> settings) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("linger.ms", "5");
    p.putAll(settings);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Writes {@code count} records to each partition: value "p-i", timestamp from a function. */
  public static void fill(
      String bootstrap,
      String topic,
      int partitions,
      int from,
      int count,
      java.util.function.BiFunction<Integer, Integer, Long> timestamp)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      for (int p = 0; p < partitions; p++) {
        for (int i = from; i < from + count; i++) {
          producer.send(
              new ProducerRecord<>(
                  topic, p, timestamp.apply(p, i), bytes("k" + (i % 7)), bytes(p + "-" + i)));
        }
      }
      producer.flush();
    }
  }

  public static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic, int partitions)
      throws Exception {
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        request.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      return admin.listOffsets(request).all().get().entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
  }

  public static void deleteRecordsBefore(String bootstrap, TopicPartition tp, long offset)
      throws Exception {
    try (Admin admin = admin(bootstrap)) {
      admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(offset))).all().get();
    }
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

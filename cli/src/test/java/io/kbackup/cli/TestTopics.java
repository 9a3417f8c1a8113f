package io.kbackup.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Topics the tests write: created and usable, and every record surely written. */
final class TestTopics {

  private TestTopics() {}

  /** Creates the topics and waits until every partition has a leader. */
  static void create(String bootstrap, int partitions, String... names) throws Exception {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      List<NewTopic> topics = new ArrayList<>();
      for (String name : names) {
        topics.add(new NewTopic(name, partitions, (short) 1));
      }
      admin.createTopics(topics).all().get();
      Instant deadline = Instant.now().plusSeconds(60);
      while (true) {
        var described = admin.describeTopics(List.of(names)).allTopicNames().get();
        if (described.values().stream()
            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null))) {
          return;
        }
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError("topics " + List.of(names) + " got no leaders");
        }
        Thread.sleep(50);
      }
    }
  }

  /**
   * A producer of bytes that waits for every replica (acks=all), with settings of the test's own
   * given as name and value pairs, such as {@code "linger.ms", "20"}.
   */
  static KafkaProducer<byte[], byte[]> producer(String bootstrap, String... settings) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    for (int i = 0; i + 1 < settings.length; i += 2) {
      p.put(settings[i], settings[i + 1]);
    }
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Sends the records and fails unless every one was written. */
  static void sendAll(
      Producer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records)
      throws Exception {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (ProducerRecord<byte[], byte[]> r : records) {
      sent.add(producer.send(r));
    }
    producer.flush();
    for (Future<RecordMetadata> f : sent) {
      f.get(120, TimeUnit.SECONDS);
    }
  }
}

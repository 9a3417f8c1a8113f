package io.kbackup.localkafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads every committed record of a topic, for comparing a source with its restore. */
public final class TopicContents {

  /** One record with every field a restore must keep, in a comparable form. */
  public record Entry(
      int partition,
      long offset,
      long timestamp,
      String timestampType,
      String key,
      String value,
      List<String> headers) {

    /** The same record without its offset, which a restore may change. */
    public Entry withoutOffset() {
      return new Entry(partition, -1, timestamp, timestampType, key, value, headers);
    }
  }

  private TopicContents() {}

  public static List<Entry> read(String bootstrapServers, String topic) {
    Properties client = new Properties();
    client.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return read(client, topic);
  }

  /** Reads with these client properties, which name the bootstrap servers. */
  public static List<Entry> read(Properties client, String topic) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<Entry> entries = new ArrayList<>();
    try (Admin admin = Admin.create(client);
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get()
              .get(topic)
              .partitions()
              .stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      Map<TopicPartition, Long> ends =
          admin
              .listOffsets(
                  partitions.stream()
                      .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
              .all()
              .get()
              .entrySet()
              .stream()
              .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Instant deadline = Instant.now().plusSeconds(60);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("could not read " + topic + " to its end");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          entries.add(entry(r));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    entries.sort(
        (a, b) ->
            a.partition() != b.partition()
                ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
    return entries;
  }

  private static Entry entry(ConsumerRecord<byte[], byte[]> r) {
    List<String> headers = new ArrayList<>();
    for (Header h : r.headers()) {
      headers.add(h.key() + "=" + show(h.value()));
    }
    return new Entry(
        r.partition(),
        r.offset(),
        r.timestamp(),
        r.timestampType().name,
        show(r.key()),
        show(r.value()),
        headers);
  }

  private static String show(byte[] bytes) {
    return bytes == null ? "<null>" : Arrays.toString(bytes);
  }
}

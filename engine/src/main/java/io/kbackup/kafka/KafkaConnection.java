package io.kbackup.kafka;

import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How to reach one Kafka cluster: bootstrap servers, the user's client properties (TLS, SASL) and a
 * bound on how long to wait for it. Makes the admin, consumer and producer clients.
 */
public final class KafkaConnection {

  private final String bootstrapServers;
  private final Properties clientProperties;
  private final Duration timeout;

  public KafkaConnection(String bootstrapServers, Properties clientProperties, Duration timeout) {
    this.bootstrapServers = bootstrapServers;
    this.clientProperties = new Properties();
    this.clientProperties.putAll(clientProperties);
    this.timeout = timeout;
  }

  public static KafkaConnection of(String bootstrapServers) {
    return new KafkaConnection(bootstrapServers, new Properties(), Duration.ofSeconds(30));
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Duration timeout() {
    return timeout;
  }

  private static final java.util.regex.Pattern USERNAME =
      java.util.regex.Pattern.compile("\\busername\\s*=\\s*\"([^\"]*)\"");

  /**
   * The principal the brokers see this client as, when its properties tell it: {@code User:NAME} of
   * a SASL/PLAIN or SCRAM login. Empty otherwise (TLS certificates, Kerberos, OAuth, none).
   */
  public java.util.Optional<String> principal() {
    String protocol = clientProperties.getProperty("security.protocol", "PLAINTEXT");
    String mechanism = clientProperties.getProperty("sasl.mechanism", "GSSAPI");
    String jaas = clientProperties.getProperty("sasl.jaas.config");
    boolean named = mechanism.equals("PLAIN") || mechanism.startsWith("SCRAM-");
    if (!protocol.startsWith("SASL_") || !named || jaas == null) {
      return java.util.Optional.empty();
    }
    var m = USERNAME.matcher(jaas);
    return m.find() ? java.util.Optional.of("User:" + m.group(1)) : java.util.Optional.empty();
  }

  private Properties base() {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "kbackup");
    return p;
  }

  public Admin admin() {
    Properties p = base();
    int ms = (int) Math.max(1000, timeout.toMillis());
    p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(ms));
    p.putIfAbsent(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(Math.min(ms, 30000)));
    return create(() -> Admin.create(p), p);
  }

  /** A consumer that reads committed records only, with no group, tuned for bulk reading. */
  public KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> overrides) {
    Properties p = base();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    p.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(32 << 20));
    p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
    p.putIfAbsent(ConsumerConfig.RECEIVE_BUFFER_CONFIG, Integer.toString(1 << 20));
    p.putIfAbsent(
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        Long.toString(Math.max(1000, timeout.toMillis())));
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.putAll(overrides);
    return create(
        () -> new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer()), p);
  }

  /** An idempotent producer with acks=all, so a partition receives each record once, in order. */
  public KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
    Properties p = base();
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "10");
    p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 << 10));
    p.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L << 20));
    p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 << 20));
    p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
    p.putAll(overrides);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    return create(
        () -> new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()), p);
  }

  /**
   * Makes a client; settings it cannot start with are a usage error naming the setting, where
   * Kafka's own exception says only "Failed to create new KafkaAdminClient".
   */
  private static <T> T create(Supplier<T> client, Properties settings) {
    try {
      return client.get();
    } catch (KafkaException e) {
      throw ClientSettingsError.of(e, settings);
    }
  }

  /** The cluster id, waiting at most the timeout; an unreachable cluster is exit code 1. */
  public String clusterId(Admin admin) {
    try {
      return admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KbackupException(ExitCode.INTERRUPTED, "interrupted", null, e);
    }
  }

  public KbackupException unreachable(Throwable cause) {
    KbackupException denied = accessDenied("reach the cluster", cause);
    if (denied != null) {
      return denied;
    }
    return new KbackupException(
        ExitCode.FAILED,
        "cannot reach Kafka at " + bootstrapServers + " within " + timeout.toSeconds() + " s",
        "check --bootstrap-server, that the brokers are up, and --command-config for TLS or SASL",
        cause);
  }

  /** The topics the selector picks among those the cluster lists, sorted; none is a usage error. */
  public java.util.SortedSet<String> selectTopics(Admin admin, TopicSelector selector) {
    java.util.SortedSet<String> names = new java.util.TreeSet<>();
    await(
            admin
                .listTopics(
                    new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(false))
                .names(),
            "list topics")
        .stream()
        .filter(selector::matches)
        .forEach(names::add);
    if (names.isEmpty()) {
      throw KbackupException.usage(
          "no topic matches " + selector.describe(),
          "list the cluster's topics with kafka-topics.sh --list and check --topics/--exclude");
    }
    return names;
  }

  /** Every partition of the topics, topic by topic. */
  public static java.util.List<TopicPartition> partitions(
      Collection<org.apache.kafka.clients.admin.TopicDescription> topics) {
    java.util.List<TopicPartition> partitions = new java.util.ArrayList<>();
    topics.forEach(
        d ->
            d.partitions()
                .forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
    return partitions;
  }

  /** Offsets of the partitions, asked in one request: the same instant for all of them. */
  public Map<TopicPartition, Long> offsets(
      Admin admin,
      Collection<TopicPartition> partitions,
      OffsetSpec spec,
      IsolationLevel isolation) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    Map<TopicPartition, Long> result = new HashMap<>();
    await(admin.listOffsets(request, new ListOffsetsOptions(isolation)).all(), "list offsets")
        .forEach((tp, info) -> result.put(tp, info.offset()));
    return result;
  }

  /** A request Kafka answered with an error, as a one-line failure naming what was asked. */
  public KbackupException refused(String what, Throwable cause) {
    KbackupException denied = accessDenied(what, cause);
    if (denied != null) {
      return denied;
    }
    return KbackupException.failed(
        "Kafka refused to " + what + ": " + cause.getMessage(),
        "check the cluster's state and the permissions of the client",
        cause);
  }

  /**
   * The failure of a client whose credentials Kafka rejected, or whose principal lacks a
   * permission, found anywhere in the cause chain; null for any other failure.
   *
   * @param what what was asked, or null when unknown
   */
  public static KbackupException accessDenied(String what, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof AuthenticationException) {
        return KbackupException.failed(
            "Kafka rejected the client's credentials: " + t.getMessage(),
            "check security.protocol, sasl.mechanism and sasl.jaas.config (or the TLS settings) in"
                + " --command-config",
            cause);
      }
      if (t instanceof AuthorizationException) {
        return KbackupException.failed(
            (what == null ? "not authorized: " : "not authorized to " + what + ": ")
                + t.getMessage(),
            "grant the client's principal the ACLs kbackup needs (see docs/ERRORS.md), or use a"
                + " principal that has them",
            cause);
      }
    }
    return null;
  }

  /** Waits for an admin result; failures become a one-line error naming what was asked. */
  public <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw unreachable(e);
    } catch (ExecutionException e) {
      throw refused(what, e.getCause() == null ? e : e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KbackupException(ExitCode.INTERRUPTED, "interrupted", null, e);
    }
  }
}

package io.kbackup.localkafka;

import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka cluster (KRaft, broker and controller in one process) running as a child
 * JVM on the loopback interface. Used by {@code kbackup demo} and by the tests. The data directory
 * survives {@link #stop()} so the same broker can be started again.
 */
public final class LocalKafka implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final String clusterId;
  private final int brokerPort;
  private final int controllerPort;
  private final Map<String, String> overrides;
  private final Map<String, String> saslUsers;
  private Process process;
  private Thread shutdownHook;

  private final int nodeId;
  private final LocalKafka controller;

  private LocalKafka(Path dir, Map<String, String> overrides, Map<String, String> saslUsers)
      throws IOException {
    this.dir = dir;
    this.clusterId = randomClusterId();
    this.brokerPort = freePort();
    this.controllerPort = freePort();
    this.overrides = new TreeMap<>(overrides);
    this.saslUsers = new TreeMap<>(saslUsers);
    this.nodeId = 1;
    this.controller = null;
  }

  /** A broker-only node that joins the cluster of {@code controller}. */
  private LocalKafka(Path dir, LocalKafka controller, int nodeId) throws IOException {
    this.dir = dir;
    this.clusterId = controller.clusterId;
    this.brokerPort = freePort();
    this.controllerPort = controller.controllerPort;
    this.overrides = new TreeMap<>(controller.overrides);
    this.saslUsers = controller.saslUsers;
    this.nodeId = nodeId;
    this.controller = controller;
  }

  /**
   * Starts another broker (without a controller) in this cluster, with the given node id (2 and
   * up), and waits until the cluster has {@code nodeId} brokers.
   */
  public LocalKafka addBroker(Path brokerDir, int nodeId) throws IOException {
    LocalKafka broker = new LocalKafka(brokerDir, this, nodeId);
    broker.startProcess();
    return broker;
  }

  /** Starts a new cluster whose files live under {@code dir}. */
  public static LocalKafka start(Path dir) throws IOException {
    return start(dir, Map.of());
  }

  /** Starts a new cluster with extra broker settings. */
  public static LocalKafka start(Path dir, Map<String, String> brokerConfig) throws IOException {
    LocalKafka kafka = new LocalKafka(dir, brokerConfig, Map.of());
    kafka.startProcess();
    return kafka;
  }

  /**
   * Starts a new cluster whose clients must authenticate with SASL/PLAIN as one of the users (name
   * to password), or as {@link #ADMIN}, a super user. The controller listener stays unauthenticated
   * on loopback, so its principal is {@code User:ANONYMOUS}.
   */
  public static LocalKafka startWithSasl(
      Path dir, Map<String, String> users, Map<String, String> brokerConfig) throws IOException {
    Map<String, String> all = new TreeMap<>(users);
    all.put(ADMIN, Uuid.randomUuid().toString());
    LocalKafka kafka = new LocalKafka(dir, brokerConfig, all);
    kafka.startProcess();
    return kafka;
  }

  /** The super user of a cluster started with SASL. */
  public static final String ADMIN = "admin";

  /** Client properties that authenticate as the user with SASL/PLAIN. */
  public static Properties saslClient(String user, String password) {
    Properties p = new Properties();
    p.put("security.protocol", "SASL_PLAINTEXT");
    p.put("sasl.mechanism", "PLAIN");
    p.put("sasl.jaas.config", plainLogin(user, password));
    return p;
  }

  /** Client properties of the super user; empty for a cluster without SASL. */
  public Properties adminClient() {
    return saslUsers.isEmpty() ? new Properties() : saslClient(ADMIN, saslUsers.get(ADMIN));
  }

  /** Client properties that reach this cluster as the super user, bootstrap servers included. */
  public Properties client() {
    Properties p = adminClient();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return p;
  }

  private static String plainLogin(String user, String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  public String clusterId() {
    return clusterId;
  }

  public Path directory() {
    return dir;
  }

  /** Path of the broker's log file, for diagnosis. */
  public Path logFile() {
    return dir.resolve("broker.log");
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts the broker again after {@link #stop()}, on the same ports and data. */
  public void restart() throws IOException {
    if (isRunning()) {
      throw new IllegalStateException("the broker is running");
    }
    startProcess();
  }

  /** Stops the broker gracefully, killing it when it does not stop in time. */
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    removeShutdownHook();
    process = null;
  }

  /** Kills the broker at once, as a crash would. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      removeShutdownHook();
      process = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void startProcess() throws IOException {
    Path logDir = dir.resolve("data");
    Files.createDirectories(logDir);
    Path properties = dir.resolve("server.properties");
    writeServerProperties(properties, logDir);
    Path log4j = dir.resolve("log4j2.properties");
    Files.writeString(log4j, log4jConfig());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xms256m");
    command.add("-Xmx1g");
    command.add("-XX:+UseG1GC");
    command.add("-Dlog4j2.configurationFile=" + log4j.toAbsolutePath());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BrokerMain.class.getName());
    command.add(properties.toAbsolutePath().toString());
    command.add(clusterId);
    command.add(logDir.toAbsolutePath().toString());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.out").toFile()));
    process = builder.start();
    shutdownHook = new Thread(() -> process.destroyForcibly());
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    awaitReady();
  }

  private void awaitReady() throws IOException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    Properties props = adminClient();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    try (Admin admin = Admin.create(props)) {
      while (Instant.now().isBefore(deadline)) {
        if (!process.isAlive()) {
          throw new IOException(
              "the local Kafka broker exited during start-up; see " + dir.resolve("broker.out"));
        }
        try {
          if (admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size() >= nodeId) {
            return;
          }
        } catch (Exception e) {
          // not ready yet
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the local Kafka broker", e);
    }
    stop();
    throw new IOException(
        "the local Kafka broker did not start within "
            + START_TIMEOUT.toSeconds()
            + " s; see "
            + logFile());
  }

  private void writeServerProperties(Path file, Path logDir) throws IOException {
    Map<String, String> config = new TreeMap<>();
    config.put("process.roles", controller == null ? "broker,controller" : "broker");
    config.put("node.id", Integer.toString(nodeId));
    config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    config.put(
        "listeners",
        controller == null
            ? "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort
            : "PLAINTEXT://127.0.0.1:" + brokerPort);
    config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    config.put("controller.listener.names", "CONTROLLER");
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    config.put("log.dirs", logDir.toAbsolutePath().toString());
    config.put("num.partitions", "1");
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", "4");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("transaction.state.log.num.partitions", "4");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    config.put("group.initial.rebalance.delay.ms", "0");
    config.put("log.segment.delete.delay.ms", "1000");
    config.put("log.flush.offset.checkpoint.interval.ms", "1000");
    config.put("auto.create.topics.enable", "false");
    // time retention never runs here, so sample records with old timestamps stay put: tests and
    // the demo must not lose data to a retention check that fires at a random moment
    config.put("log.initial.task.delay.ms", "3600000");
    config.put("log.retention.check.interval.ms", "3600000");
    if (!saslUsers.isEmpty()) {
      useSasl(config);
    }
    config.putAll(overrides);
    try (Writer out = Files.newBufferedWriter(file)) {
      for (Map.Entry<String, String> e : config.entrySet()) {
        out.write(e.getKey() + "=" + e.getValue().replace("\\", "\\\\") + "\n");
      }
    }
  }

  /** The client listener authenticates with SASL/PLAIN; the brokers talk to each other over it. */
  private void useSasl(Map<String, String> config) {
    String listener = "SASL_PLAINTEXT://127.0.0.1:" + brokerPort;
    config.put(
        "listeners",
        controller == null ? listener + ",CONTROLLER://127.0.0.1:" + controllerPort : listener);
    config.put("advertised.listeners", listener);
    config.put("inter.broker.listener.name", "SASL_PLAINTEXT");
    config.put(
        "listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
    config.put("sasl.enabled.mechanisms", "PLAIN");
    config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    config.put("super.users", "User:" + ADMIN + ";User:ANONYMOUS");
    StringBuilder users = new StringBuilder(plainLogin(ADMIN, saslUsers.get(ADMIN)));
    users.setLength(users.length() - 1);
    saslUsers.forEach(
        (u, pw) -> users.append(" user_").append(u).append("=\"").append(pw).append('"'));
    config.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", users.append(';').toString());
  }

  private String log4jConfig() {
    String logFile = logFile().toAbsolutePath().toString().replace("\\", "\\\\");
    return "status = error\n"
        + "appender.file.type = File\n"
        + "appender.file.name = file\n"
        + "appender.file.fileName = "
        + logFile
        + "\n"
        + "appender.file.layout.type = PatternLayout\n"
        + "appender.file.layout.pattern = [%d] %p %m (%c)%n\n"
        + "rootLogger.level = INFO\n"
        + "rootLogger.appenderRef.file.ref = file\n"
        + "logger.kafka.name = kafka\n"
        + "logger.kafka.level = WARN\n"
        + "logger.apache.name = org.apache.kafka\n"
        + "logger.apache.level = WARN\n";
  }

  private void removeShutdownHook() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
      shutdownHook = null;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String randomClusterId() {
    return Uuid.randomUuid().toString();
  }
}

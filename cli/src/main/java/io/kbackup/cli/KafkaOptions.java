package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Options that say how to reach a Kafka cluster. */
final class KafkaOptions {

  @Option(
      names = {"--bootstrap-server", "-b"},
      required = true,
      paramLabel = "HOST:PORT[,...]",
      description = "Kafka brokers to connect to.")
  String bootstrapServers;

  @Option(
      names = "--command-config",
      paramLabel = "FILE",
      description = "Kafka client properties (TLS, SASL) for every connection.")
  Path commandConfig;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description =
          "How long to wait for the cluster before giving up (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  KafkaConnection connection() {
    Properties properties = new Properties();
    if (commandConfig != null) {
      try (Reader in = Files.newBufferedReader(commandConfig)) {
        properties.load(in);
      } catch (NoSuchFileException e) {
        throw KbackupException.usage(
            "--command-config file " + commandConfig + " does not exist", "check the path");
      } catch (IOException e) {
        throw KbackupException.usage(
            "--command-config file " + commandConfig + " cannot be read: " + e.getMessage(),
            "check the file's permissions and format (Java properties)");
      }
    }
    if (timeoutSeconds <= 0) {
      throw KbackupException.usage("--timeout must be positive", "give a number of seconds");
    }
    return new KafkaConnection(bootstrapServers, properties, Duration.ofSeconds(timeoutSeconds));
  }
}

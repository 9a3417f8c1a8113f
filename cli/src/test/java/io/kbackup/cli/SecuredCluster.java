package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.LocalKafka;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * A broker whose clients authenticate with SASL/PLAIN and are checked by Kafka's own authorizer,
 * with one unprivileged user beside the super user; for tests of credentials and permissions.
 */
final class SecuredCluster {

  private SecuredCluster() {}

  static LocalKafka start(Path dir, String user, String password) throws IOException {
    return LocalKafka.startWithSasl(
        dir,
        Map.of(user, password),
        Map.of("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"));
  }

  /** Writes client properties to a file, as a {@code --command-config} is given. */
  static Path write(Path file, Properties properties) throws IOException {
    try (Writer out = Files.newBufferedWriter(file)) {
      properties.store(out, null);
    }
    return file;
  }

  /** Checks that neither the super user's password nor {@code password} was printed. */
  static void assertNoSecret(LocalKafka kafka, String password, CliRunner.Result... results) {
    String adminPassword =
        kafka
            .adminClient()
            .getProperty("sasl.jaas.config")
            .replaceAll(".*password=\"([^\"]+)\".*", "$1");
    for (CliRunner.Result r : results) {
      assertThat(r.out() + r.err()).doesNotContain(adminPassword).doesNotContain(password);
    }
  }
}

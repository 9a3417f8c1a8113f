package io.kbackup.localkafka;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Entry point of the broker's own JVM: formats the log directory on first start, then runs the
 * broker. Arguments: the server.properties file, the cluster id and the log directory.
 */
public final class BrokerMain {

  private BrokerMain() {}

  public static void main(String[] args) {
    String properties = args[0];
    String clusterId = args[1];
    Path logDir = Path.of(args[2]);
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      int rc =
          kafka.tools.StorageTool.execute(
              new String[] {"format", "-t", clusterId, "-c", properties}, System.out);
      if (rc != 0) {
        System.err.println("formatting the broker's storage failed with exit code " + rc);
        System.exit(rc);
      }
    }
    kafka.Kafka.main(new String[] {properties});
  }
}

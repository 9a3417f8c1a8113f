package io.kbackup.doctor;

import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;

/**
 * An operation on a Kafka resource that a command needs, as an ACL grants it.
 *
 * @param resourceName the topic or group name; ignored for the cluster
 * @param neededFor what the command does with it, for messages
 */
public record Permission(
    ResourceType resourceType, String resourceName, AclOperation operation, String neededFor) {

  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9._:/=@+-]+");

  public static Permission cluster(AclOperation operation, String neededFor) {
    return new Permission(ResourceType.CLUSTER, "kafka-cluster", operation, neededFor);
  }

  /** The operation as kafka-acls.sh spells it, such as {@code DescribeConfigs}. */
  public String operationName() {
    StringBuilder b = new StringBuilder();
    for (String word : operation.name().split("_")) {
      b.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return b.toString();
  }

  /** The resource as messages name it: {@code topic orders}, {@code group g}, {@code cluster}. */
  public String resource() {
    return resourceType == ResourceType.CLUSTER
        ? "cluster"
        : resourceType.name().toLowerCase(Locale.ROOT) + " " + resourceName;
  }

  /** For example {@code DescribeConfigs on topic orders}. */
  public String describe() {
    return operationName() + " on " + resource();
  }

  /**
   * The kafka-acls.sh command that grants it, run by an administrator whose client settings are in
   * {@code ADMIN.properties}; it names a properties file, never a password.
   */
  public String aclCommand(String bootstrapServers, String principal) {
    String target =
        switch (resourceType) {
          case CLUSTER -> "--cluster";
          case GROUP -> "--group " + quote(resourceName);
          default -> "--topic " + quote(resourceName);
        };
    return "kafka-acls.sh --bootstrap-server "
        + bootstrapServers
        + " --command-config ADMIN.properties --add --allow-principal "
        + quote(principal)
        + " --operation "
        + operationName()
        + " "
        + target;
  }

  private static String quote(String word) {
    return SHELL_SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
  }
}

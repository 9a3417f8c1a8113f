package io.kbackup.repository;

import java.util.List;
import java.util.Map;

/**
 * The cluster-wide state a snapshot keeps besides topics and groups.
 *
 * @param acls every ACL of every resource and pattern type
 * @param quotas client quotas by entity (user, client id, IP; a null entity value is the default)
 * @param brokerConfigs broker configs: the cluster-wide dynamic defaults under {@code ""}, and
 *     under each broker's id its dynamic configs and those of its server.properties (the source
 *     says which)
 * @param scramUsers users with SCRAM credentials; Kafka's API never returns the secrets
 * @param notes what could not be captured and why
 */
public record ClusterMetadata(
    List<AclEntry> acls,
    List<QuotaEntry> quotas,
    Map<String, List<ConfigValue>> brokerConfigs,
    List<ScramUser> scramUsers,
    List<String> notes) {

  public ClusterMetadata {
    acls = acls == null ? List.of() : List.copyOf(acls);
    quotas = quotas == null ? List.of() : List.copyOf(quotas);
    brokerConfigs = brokerConfigs == null ? Map.of() : Map.copyOf(brokerConfigs);
    scramUsers = scramUsers == null ? List.of() : List.copyOf(scramUsers);
    notes = notes == null ? List.of() : List.copyOf(notes);
  }

  public static ClusterMetadata empty() {
    return new ClusterMetadata(null, null, null, null, null);
  }

  /**
   * One ACL binding, in Kafka's own names (such as {@code TOPIC}, {@code LITERAL}, {@code READ}).
   */
  public record AclEntry(
      String resourceType,
      String resourceName,
      String patternType,
      String principal,
      String host,
      String operation,
      String permission) {}

  /** The quotas of one client entity. */
  public record QuotaEntry(Map<String, String> entity, Map<String, Double> values) {}

  /** One config; {@code value} is null when Kafka marks it sensitive and does not reveal it. */
  public record ConfigValue(String name, String value, boolean sensitive, String source) {}

  /** A SCRAM user and the mechanisms it has credentials for. */
  public record ScramUser(String name, List<String> mechanisms) {}
}

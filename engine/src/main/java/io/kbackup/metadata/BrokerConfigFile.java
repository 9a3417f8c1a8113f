package io.kbackup.metadata;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.KbackupException;
import io.kbackup.repository.ClusterMetadata;
import io.kbackup.repository.ClusterMetadata.ConfigValue;
import io.kbackup.repository.SnapshotManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a server.properties for a broker at a new site from a snapshot's broker configs: the
 * source broker's file settings, then the cluster's dynamic defaults, then its own dynamic
 * settings, as Kafka ranks them. Settings that belong to a site (ids, listeners, directories, the
 * controller quorum) are replaced by the caller's values or written commented out and flagged;
 * sensitive settings, which Kafka does not reveal, are flagged for the operator.
 */
public final class BrokerConfigFile {

  /** Keys whose values belong to one machine or site, never copied blindly. */
  public static final Set<String> SITE_SPECIFIC =
      Set.of(
          "node.id",
          "broker.id",
          "listeners",
          "advertised.listeners",
          "log.dirs",
          "log.dir",
          "metadata.log.dir",
          "controller.quorum.voters",
          "controller.quorum.bootstrap.servers",
          "broker.rack");

  private static final String STATIC = "STATIC_BROKER_CONFIG";

  private BrokerConfigFile() {}

  /**
   * @param brokerId the source broker whose settings to start from; null for the lowest id
   * @param set values that replace the snapshot's, such as the new site's listeners
   */
  public static List<String> lines(
      SnapshotManifest snapshot, String brokerId, Map<String, String> set) {
    ClusterMetadata cluster = snapshot.cluster();
    String broker = brokerId;
    if (broker == null) {
      broker =
          cluster.brokerConfigs().keySet().stream()
              .filter(k -> !k.isEmpty())
              .min((a, b) -> Long.compare(parse(a), parse(b)))
              .orElse(null);
    }
    if (broker == null || !cluster.brokerConfigs().containsKey(broker)) {
      throw KbackupException.usage(
          "snapshot "
              + snapshot.id()
              + " holds no configs of broker "
              + (broker == null ? "at all" : broker),
          "choose one of the brokers it holds with --broker: "
              + cluster.brokerConfigs().keySet().stream().filter(k -> !k.isEmpty()).toList());
    }
    List<ConfigValue> own = named(snapshot, cluster.brokerConfigs().get(broker));
    Map<String, ConfigValue> merged = new TreeMap<>();
    for (ConfigValue v : own) {
      if (STATIC.equals(v.source())) {
        merged.put(v.name(), v);
      }
    }
    named(snapshot, cluster.brokerConfigs().get("")).forEach(v -> merged.put(v.name(), v));
    for (ConfigValue v : own) {
      if (!STATIC.equals(v.source())) {
        merged.put(v.name(), v);
      }
    }
    List<String> out = new ArrayList<>();
    out.add(
        "# server.properties for a broker at a new site, from kbackup snapshot "
            + PropertiesText.comment(snapshot.id()));
    out.add(
        "# source cluster "
            + PropertiesText.comment(snapshot.clusterId())
            + ", broker "
            + PropertiesText.comment(broker)
            + ", captured "
            + PropertiesText.comment(snapshot.cutTime()));
    out.add("# lines starting with '# CHECK' or '# SENSITIVE' need a value of the new site");
    for (Map.Entry<String, ConfigValue> e : merged.entrySet()) {
      String key = e.getKey();
      ConfigValue v = e.getValue();
      if (set.containsKey(key)) {
        continue;
      }
      String name = PropertiesText.key(key);
      if (v.sensitive()) {
        out.add(
            "# SENSITIVE " + name + ": its value is not readable through Kafka's API; set it here");
      } else if (SITE_SPECIFIC.contains(key)) {
        out.add(
            "# CHECK "
                + name
                + " is site-specific; the source had: "
                + PropertiesText.comment(v.value()));
        out.add("#" + name + "=" + PropertiesText.value(v.value()));
      } else {
        out.add(name + "=" + PropertiesText.value(v.value()));
      }
    }
    new TreeMap<>(set)
        .forEach((k, v) -> out.add(PropertiesText.key(k) + "=" + PropertiesText.value(v)));
    return out;
  }

  private static long parse(String id) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The configs as listed, each with a name, or the snapshot is damaged. */
  private static List<ConfigValue> named(SnapshotManifest snapshot, List<ConfigValue> configs) {
    if (configs == null) {
      return List.of();
    }
    for (ConfigValue v : configs) {
      if (v == null || v.name() == null) {
        throw new CorruptDataException(
            "snapshot " + snapshot.id() + " lists a broker config without a name");
      }
    }
    return configs;
  }
}

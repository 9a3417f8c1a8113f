package io.kbackup.doctor;

import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.repository.Repository;
import io.kbackup.storage.Storage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.common.Node;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Checks, before a backup or restore, what would make it fail halfway: the cluster answers, the
 * principal has every permission the command needs, the repository is there, opens, takes writes,
 * is not locked, and has room for the next backup. Each check gives findings; any fatal one means
 * the command would fail.
 */
public final class Doctor {

  /**
   * @param purposes the commands whose permissions are checked
   */
  public record Options(TopicSelector topics, Set<Purpose> purposes) {}

  private final KafkaConnection kafka;
  private final Storage storage;
  private final Supplier<String> passphrase;
  private final Options options;

  /**
   * @param storage the repository's storage, or null to check Kafka only
   */
  public Doctor(
      KafkaConnection kafka, Storage storage, Supplier<String> passphrase, Options options) {
    this.kafka = kafka;
    this.storage = storage;
    this.passphrase = passphrase;
    this.options = options;
  }

  public List<Finding> run() {
    List<Finding> findings = new ArrayList<>();
    PermissionCheck.Result permissions = null;
    try (Admin admin = kafka.admin()) {
      if (connectivity(admin, findings)) {
        permissions = permissions(admin, findings);
      }
    }
    if (storage != null) {
      RepositoryCheck repository = new RepositoryCheck(storage, passphrase, findings);
      Repository opened = repository.run();
      if (permissions != null && !permissions.topics().isEmpty()) {
        repository.freeSpace(opened, new NextBackupSize(kafka, permissions.topics()));
      }
    }
    return findings;
  }

  /** Whether any finding is fatal. */
  public static boolean anyFatal(Collection<Finding> findings) {
    return findings.stream().anyMatch(Finding::fatal);
  }

  private boolean connectivity(Admin admin, List<Finding> findings) {
    try {
      DescribeClusterResult cluster = admin.describeCluster();
      String id = kafka.clusterId(admin);
      Collection<Node> nodes = kafka.await(cluster.nodes(), "describe the cluster");
      Node controller = kafka.await(cluster.controller(), "describe the cluster");
      findings.add(
          Finding.ok(
              "cluster",
              "id "
                  + id
                  + ", "
                  + nodes.size()
                  + (nodes.size() == 1 ? " broker" : " brokers")
                  + ", controller "
                  + (controller == null ? "unknown" : controller.idString())
                  + ", "
                  + version(admin)));
      return true;
    } catch (KbackupException e) {
      findings.add(Finding.fatal("cluster", e.getMessage(), e.hint()));
      return false;
    }
  }

  /** The Kafka release the cluster's finalized metadata.version stands for. */
  private String version(Admin admin) {
    FinalizedVersionRange range;
    try {
      range =
          kafka
              .await(admin.describeFeatures().featureMetadata(), "describe the cluster's features")
              .finalizedFeatures()
              .get(MetadataVersion.FEATURE_NAME);
    } catch (KbackupException e) {
      return "Kafka version unknown (" + e.getMessage() + ")";
    }
    if (range == null) {
      return "Kafka version unknown (no metadata.version: a ZooKeeper cluster, before 3.3)";
    }
    short level = range.maxVersionLevel();
    try {
      MetadataVersion v = MetadataVersion.fromFeatureLevel(level);
      return "Kafka " + v.shortVersion() + " (metadata.version " + v.version() + ")";
    } catch (IllegalArgumentException e) {
      return "Kafka newer than "
          + MetadataVersion.latestTesting().shortVersion()
          + " (metadata.version level "
          + level
          + ")";
    }
  }

  private PermissionCheck.Result permissions(Admin admin, List<Finding> findings) {
    PermissionCheck.Result result;
    try {
      result = new PermissionCheck(kafka, admin).run(options.topics(), options.purposes());
    } catch (KbackupException e) {
      findings.add(Finding.fatal("permissions", e.getMessage(), e.hint()));
      return null;
    }
    String what = purposes();
    if (result.topics().isEmpty() && result.absentTopics().isEmpty()) {
      findings.add(
          Finding.warning(
              "topics",
              "no topic matches " + options.topics().describe() + " (or this client may see none)",
              "check --topics and --exclude, and that the principal may Describe the topics"));
    }
    for (String topic : result.absentTopics()) {
      String absent = "topic " + topic + " does not exist";
      findings.add(
          options.purposes().contains(Purpose.BACKUP)
              ? Finding.warning(
                  "topics", absent + ": a backup leaves it out", "check the name in --topics")
              : Finding.info("topics", absent + ": a restore creates it", null));
    }
    if (!result.authorizer()) {
      findings.add(
          Finding.info(
              "permissions",
              "the cluster has no authorizer: every client may do everything",
              null));
      return result;
    }
    String principal = kafka.principal().orElse(null);
    String named = principal == null ? "this client's principal" : principal;
    for (Permission p : result.missing()) {
      findings.add(
          Finding.fatal(
              "permission",
              named + " may not " + p.describe() + " (" + p.neededFor() + ")",
              p.aclCommand(kafka.bootstrapServers(), principal == null ? "User:NAME" : principal)));
    }
    if (result.missing().isEmpty()) {
      findings.add(
          Finding.ok(
              "permissions",
              named
                  + " has every permission "
                  + what
                  + " needs on the cluster, "
                  + result.topics().size()
                  + " topics and "
                  + result.groups()
                  + " consumer groups"));
    }
    return result;
  }

  private String purposes() {
    return options.purposes().size() > 1
        ? "backup and restore"
        : options.purposes().iterator().next().name().toLowerCase(java.util.Locale.ROOT);
  }
}

package io.kbackup.doctor;

import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Finds the Kafka permissions a backup or restore needs that the connecting principal lacks, as the
 * cluster's authorizer sees it. The brokers say which operations the principal may do on the
 * cluster, on each topic it can see and on each group ({@code includeAuthorizedOperations}); what
 * they cannot say (a resource the principal may not even describe) is found by asking with {@code
 * validateOnly} or by a read that changes nothing.
 */
public final class PermissionCheck {

  /**
   * @param authorizer false when the cluster has no authorizer: every client may do everything
   * @param missing the permissions the principal lacks, cluster first, then topics and groups
   * @param topics the selected topics that exist
   * @param absentTopics topics named in the selection that do not exist
   */
  public record Result(
      boolean authorizer,
      List<Permission> missing,
      Set<String> topics,
      Set<String> absentTopics,
      int groups) {}

  private final KafkaConnection kafka;
  private final Admin admin;

  public PermissionCheck(KafkaConnection kafka, Admin admin) {
    this.kafka = kafka;
    this.admin = admin;
  }

  public Result run(TopicSelector selector, Set<Purpose> purposes) {
    // requests that do not depend on each other go out together: a backup runs this first
    KafkaFuture<Set<String>> listed =
        admin.listTopics(new ListTopicsOptions().listInternal(false)).names();
    KafkaFuture<?> acls = admin.describeAcls(NOTHING).values();
    KafkaFuture<Set<AclOperation>> clusterOps =
        admin
            .describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true))
            .authorizedOperations();
    KafkaFuture<Collection<GroupListing>> groupListings = admin.listGroups().all();
    Set<String> listedNames = new TreeSet<>();
    kafka.await(listed, "list topics").stream().filter(selector::matches).forEach(listedNames::add);
    // a client asking for ACLs of a cluster without an authorizer is told security is disabled;
    // it is shown every topic, so a topic the selection names that is not listed does not exist
    if (failure(acls) instanceof SecurityDisabledException) {
      Set<String> absent = new TreeSet<>(selector.literalNames());
      absent.removeAll(listedNames);
      return new Result(false, List.of(), listedNames, absent, 0);
    }
    // topics the principal may not describe are not listed: those the selection names are asked
    Set<String> names = new TreeSet<>(listedNames);
    names.addAll(selector.literalNames());
    Map<String, KafkaFuture<TopicDescription>> topics =
        names.isEmpty()
            ? Map.of()
            : admin
                .describeTopics(
                    names, new DescribeTopicsOptions().includeAuthorizedOperations(true))
                .topicNameValues();
    List<String> groupIds =
        kafka.await(groupListings, "list consumer groups").stream()
            .filter(PermissionCheck::holdsOffsets)
            .map(GroupListing::groupId)
            .sorted()
            .toList();
    Map<String, KafkaFuture<ConsumerGroupDescription>> groups =
        groupIds.isEmpty()
            ? Map.of()
            : admin
                .describeConsumerGroups(
                    groupIds, new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                .describedGroups();
    List<Permission> missing = new ArrayList<>();
    Set<AclOperation> allowedOnCluster =
        clusterOperations(kafka.await(clusterOps, "describe the cluster"), missing, purposes);
    Set<String> existing = new TreeSet<>();
    Set<String> absent = new TreeSet<>();
    checkTopics(names, topics, purposes, allowedOnCluster, missing, existing, absent);
    checkGroups(groupIds, groups, purposes, missing);
    return new Result(true, missing, existing, absent, groupIds.size());
  }

  private static final AclBindingFilter NOTHING =
      new AclBindingFilter(
          new ResourcePatternFilter(ResourceType.TOPIC, "kbackup-doctor", PatternType.LITERAL),
          AccessControlEntryFilter.ANY);

  /** Classic and consumer groups commit offsets; share and streams groups keep their own. */
  private static boolean holdsOffsets(GroupListing g) {
    return g.type().map(t -> t == GroupType.CLASSIC || t == GroupType.CONSUMER).orElse(true);
  }

  private Set<AclOperation> clusterOperations(
      Set<AclOperation> ops, List<Permission> missing, Set<Purpose> purposes) {
    Set<AclOperation> allowed = ops == null ? Set.of() : Set.copyOf(ops);
    if (allowed.isEmpty()) {
      // without Describe on the cluster the brokers tell nothing: ask about the rest one by one
      allowed = new java.util.HashSet<>();
      ConfigResource broker = anyBroker();
      if (failure(admin.describeConfigs(List.of(broker)).all()) == null) {
        allowed.add(AclOperation.DESCRIBE_CONFIGS);
      }
      if (failure(
              admin
                  .incrementalAlterConfigs(
                      Map.of(broker, List.of()), new AlterConfigsOptions().validateOnly(true))
                  .all())
          == null) {
        allowed.add(AclOperation.ALTER_CONFIGS);
      }
    }
    List<Permission> needed = new ArrayList<>();
    if (purposes.contains(Purpose.BACKUP)) {
      needed.add(Permission.cluster(AclOperation.DESCRIBE, "backup: ACLs, SCRAM users, groups"));
      needed.add(
          Permission.cluster(
              AclOperation.DESCRIBE_CONFIGS, "backup: broker configs and client quotas"));
    }
    if (purposes.contains(Purpose.RESTORE)) {
      if (!purposes.contains(Purpose.BACKUP)) {
        needed.add(Permission.cluster(AclOperation.DESCRIBE, "restore: ACLs and groups"));
      }
      needed.add(Permission.cluster(AclOperation.ALTER, "restore: creating ACLs"));
      needed.add(Permission.cluster(AclOperation.ALTER_CONFIGS, "restore: client quotas"));
    }
    for (Permission p : needed) {
      if (!implied(allowed, p.operation())) {
        missing.add(p);
      }
    }
    return allowed;
  }

  private ConfigResource anyBroker() {
    var nodes = kafka.await(admin.describeCluster().nodes(), "describe the cluster");
    String id = nodes.isEmpty() ? "0" : nodes.iterator().next().idString();
    return new ConfigResource(ConfigResource.Type.BROKER, id);
  }

  private void checkTopics(
      Set<String> names,
      Map<String, KafkaFuture<TopicDescription>> described,
      Set<Purpose> purposes,
      Set<AclOperation> clusterOps,
      List<Permission> missing,
      Set<String> existing,
      Set<String> absent) {
    Map<String, Set<AclOperation>> allowed = new TreeMap<>();
    List<String> hidden = new ArrayList<>();
    for (String name : names) {
      Throwable failure = failure(described.get(name));
      if (failure == null) {
        Set<AclOperation> ops =
            kafka.await(described.get(name), "describe topic " + name).authorizedOperations();
        allowed.put(name, ops == null ? Set.of() : ops);
      } else if (failure instanceof UnknownTopicOrPartitionException) {
        absent.add(name);
      } else if (failure instanceof AuthorizationException) {
        hidden.add(name);
      } else {
        throw kafka.refused("describe topic " + name, failure);
      }
    }
    for (String name : hidden) {
      allowed.put(name, hiddenTopicOperations(name, purposes));
    }
    if (purposes.contains(Purpose.RESTORE) && !implied(clusterOps, AclOperation.CREATE)) {
      // a restore creates a missing topic; what it may do there later cannot be asked before
      for (String name : absent) {
        if (!mayCreate(name)) {
          missing.add(topicPermission(name, AclOperation.CREATE, "restore: creating the topic"));
        }
      }
    }
    existing.addAll(allowed.keySet());
    allowed.forEach(
        (name, ops) -> {
          for (Permission p : topicNeeds(name, purposes)) {
            boolean ok =
                implied(ops, p.operation())
                    || p.operation() == AclOperation.CREATE
                        && implied(clusterOps, AclOperation.CREATE);
            if (!ok) {
              missing.add(p);
            }
          }
        });
  }

  /**
   * What the principal may do on a topic it may not describe: nothing that implies Describe; the
   * configs operations and Create are asked about directly.
   */
  private Set<AclOperation> hiddenTopicOperations(String name, Set<Purpose> purposes) {
    Set<AclOperation> ops = new java.util.HashSet<>();
    ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, name);
    if (failure(admin.describeConfigs(List.of(topic)).all()) == null) {
      ops.add(AclOperation.DESCRIBE_CONFIGS);
    }
    if (purposes.contains(Purpose.RESTORE)) {
      if (failure(
              admin
                  .incrementalAlterConfigs(
                      Map.of(topic, List.of()), new AlterConfigsOptions().validateOnly(true))
                  .all())
          == null) {
        ops.add(AclOperation.ALTER_CONFIGS);
      }
      if (mayCreate(name)) {
        ops.add(AclOperation.CREATE); // the topic exists: refused for that, not for the ACL
      }
    }
    return ops;
  }

  /** Whether the brokers would let the principal create the topic (asked without creating it). */
  private boolean mayCreate(String name) {
    Throwable create =
        failure(
            admin
                .createTopics(
                    List.of(
                        new NewTopic(name, java.util.Optional.empty(), java.util.Optional.empty())),
                    new CreateTopicsOptions().validateOnly(true))
                .all());
    return !(create instanceof AuthorizationException);
  }

  private static List<Permission> topicNeeds(String topic, Set<Purpose> purposes) {
    List<Permission> needs = new ArrayList<>();
    if (purposes.contains(Purpose.BACKUP)) {
      needs.add(topicPermission(topic, AclOperation.DESCRIBE, "backup: offsets"));
      needs.add(topicPermission(topic, AclOperation.DESCRIBE_CONFIGS, "backup: topic configs"));
      needs.add(topicPermission(topic, AclOperation.READ, "backup: records"));
    }
    if (purposes.contains(Purpose.RESTORE)) {
      needs.add(topicPermission(topic, AclOperation.CREATE, "restore: creating the topic"));
      if (!purposes.contains(Purpose.BACKUP)) {
        needs.add(topicPermission(topic, AclOperation.DESCRIBE, "restore: offsets"));
        needs.add(
            topicPermission(topic, AclOperation.DESCRIBE_CONFIGS, "restore: existing configs"));
      }
      needs.add(topicPermission(topic, AclOperation.ALTER_CONFIGS, "restore: deferred configs"));
      needs.add(topicPermission(topic, AclOperation.WRITE, "restore: records"));
    }
    return needs;
  }

  private static Permission topicPermission(String topic, AclOperation op, String neededFor) {
    return new Permission(ResourceType.TOPIC, topic, op, neededFor);
  }

  /**
   * Groups that hold offsets; those the principal may not describe are only listed with Describe on
   * the cluster.
   */
  private void checkGroups(
      List<String> ids,
      Map<String, KafkaFuture<ConsumerGroupDescription>> described,
      Set<Purpose> purposes,
      List<Permission> missing) {
    for (String id : ids) {
      Throwable failure = failure(described.get(id));
      Set<AclOperation> ops;
      if (failure == null) {
        Set<AclOperation> reported =
            kafka.await(described.get(id), "describe group " + id).authorizedOperations();
        ops = reported == null ? Set.of() : reported;
      } else if (failure instanceof AuthorizationException) {
        ops = Set.of();
      } else {
        continue; // a group that vanished or cannot be described as a consumer group
      }
      if (purposes.contains(Purpose.BACKUP) && !implied(ops, AclOperation.DESCRIBE)) {
        missing.add(
            new Permission(
                ResourceType.GROUP, id, AclOperation.DESCRIBE, "backup: committed offsets"));
      }
      if (purposes.contains(Purpose.RESTORE) && !implied(ops, AclOperation.READ)) {
        missing.add(
            new Permission(ResourceType.GROUP, id, AclOperation.READ, "restore: setting offsets"));
      }
    }
  }

  /** Whether the operations allow {@code op}; the brokers already count the implied ones. */
  private static boolean implied(Collection<AclOperation> allowed, AclOperation op) {
    return allowed.contains(op) || allowed.contains(AclOperation.ALL);
  }

  /** The failure of a request, or null when it succeeded; waits at most the timeout. */
  private Throwable failure(KafkaFuture<?> future) {
    try {
      future.get(kafka.timeout().toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause() == null ? e : e.getCause();
    } catch (TimeoutException e) {
      throw kafka.unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.kbackup.error.KbackupException(
          io.kbackup.error.ExitCode.INTERRUPTED, "interrupted", null, e);
    }
  }
}

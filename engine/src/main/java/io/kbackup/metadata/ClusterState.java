package io.kbackup.metadata;

import io.kbackup.kafka.KafkaConnection;
import io.kbackup.repository.ClusterMetadata;
import io.kbackup.repository.ClusterMetadata.AclEntry;
import io.kbackup.repository.ClusterMetadata.ConfigValue;
import io.kbackup.repository.ClusterMetadata.QuotaEntry;
import io.kbackup.repository.ClusterMetadata.ScramUser;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;

/**
 * Reads the cluster-wide state a snapshot keeps: ACLs, client quotas, dynamic broker configs and
 * SCRAM users. What the cluster does not offer (no authorizer, say) becomes a note, not a failure;
 * what the client may not read fails the backup, since a backup missing it would lie.
 */
public final class ClusterState {

  private ClusterState() {}

  public static ClusterMetadata capture(KafkaConnection kafka, Admin admin) {
    List<String> notes = new ArrayList<>();
    return new ClusterMetadata(
        acls(kafka, admin, notes),
        quotas(kafka, admin),
        brokerConfigs(kafka, admin),
        scramUsers(kafka, admin, notes),
        notes);
  }

  private static List<AclEntry> acls(KafkaConnection kafka, Admin admin, List<String> notes) {
    Collection<AclBinding> bindings;
    try {
      bindings =
          optional(kafka, admin.describeAcls(AclBindingFilter.ANY).values(), "describe ACLs");
    } catch (SecurityDisabledException e) {
      notes.add("the cluster has no authorizer: there are no ACLs to keep");
      return List.of();
    }
    List<AclEntry> acls = new ArrayList<>();
    for (AclBinding b : bindings) {
      acls.add(
          new AclEntry(
              b.pattern().resourceType().name(),
              b.pattern().name(),
              b.pattern().patternType().name(),
              b.entry().principal(),
              b.entry().host(),
              b.entry().operation().name(),
              b.entry().permissionType().name()));
    }
    acls.sort(Comparator.comparing(AclEntry::toString));
    return acls;
  }

  private static List<QuotaEntry> quotas(KafkaConnection kafka, Admin admin) {
    Map<ClientQuotaEntity, Map<String, Double>> described =
        kafka.await(
            admin.describeClientQuotas(ClientQuotaFilter.all()).entities(),
            "describe client quotas");
    List<QuotaEntry> quotas = new ArrayList<>();
    described.forEach(
        (entity, values) ->
            quotas.add(new QuotaEntry(new TreeMap<>(entity.entries()), new TreeMap<>(values))));
    quotas.sort(Comparator.comparing(q -> q.entity().toString()));
    return quotas;
  }

  private static Map<String, List<ConfigValue>> brokerConfigs(KafkaConnection kafka, Admin admin) {
    List<ConfigResource> resources = new ArrayList<>();
    resources.add(new ConfigResource(ConfigResource.Type.BROKER, ""));
    for (Node node : kafka.await(admin.describeCluster().nodes(), "describe the cluster")) {
      resources.add(new ConfigResource(ConfigResource.Type.BROKER, node.idString()));
    }
    Map<ConfigResource, Config> configs =
        kafka.await(admin.describeConfigs(resources).all(), "describe broker configs");
    Map<String, List<ConfigValue>> result = new TreeMap<>();
    configs.forEach(
        (resource, config) -> {
          ConfigEntry.ConfigSource own =
              resource.name().isEmpty()
                  ? ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG
                  : ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG;
          List<ConfigValue> values = new ArrayList<>();
          for (ConfigEntry e : config.entries()) {
            // a broker's own entries also carry its server.properties, for broker-config
            boolean fromFile =
                !resource.name().isEmpty()
                    && e.source() == ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG;
            if (e.source() == own || fromFile) {
              values.add(
                  new ConfigValue(
                      e.name(),
                      e.isSensitive() ? null : e.value(),
                      e.isSensitive(),
                      e.source().name()));
            }
          }
          values.sort(Comparator.comparing(ConfigValue::name));
          result.put(resource.name(), values);
        });
    return result;
  }

  private static List<ScramUser> scramUsers(
      KafkaConnection kafka, Admin admin, List<String> notes) {
    Map<String, UserScramCredentialsDescription> users;
    try {
      users = optional(kafka, admin.describeUserScramCredentials().all(), "describe SCRAM users");
    } catch (UnsupportedVersionException e) {
      notes.add("the cluster cannot list SCRAM users");
      return List.of();
    }
    List<ScramUser> result = new ArrayList<>();
    users.forEach(
        (name, d) ->
            result.add(
                new ScramUser(
                    name,
                    d.credentialInfos().stream()
                        .map(
                            c ->
                                c.mechanism().mechanismName()
                                    + " ("
                                    + c.iterations()
                                    + " iterations)")
                        .sorted()
                        .toList())));
    result.sort(Comparator.comparing(ScramUser::name));
    if (!result.isEmpty()) {
      notes.add(
          "SCRAM users are kept by name and mechanism only: Kafka's API does not reveal their secrets");
    }
    return result;
  }

  /** Waits like {@link KafkaConnection#await} but lets the caller handle a feature's absence. */
  private static <T> T optional(KafkaConnection kafka, KafkaFuture<T> future, String what) {
    try {
      return future.get(kafka.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SecurityDisabledException s) {
        throw s;
      }
      if (e.getCause() instanceof UnsupportedVersionException u) {
        throw u;
      }
      throw kafka.refused(what, e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw kafka.unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.kbackup.error.KbackupException(
          io.kbackup.error.ExitCode.INTERRUPTED, "interrupted", null, e);
    }
  }
}

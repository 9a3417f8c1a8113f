package io.kbackup.restore;

import io.kbackup.error.KbackupException;
import io.kbackup.error.Untrusted;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.repository.ClusterMetadata;
import io.kbackup.repository.ClusterMetadata.AclEntry;
import io.kbackup.repository.ClusterMetadata.QuotaEntry;
import io.kbackup.repository.SnapshotManifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Recreates a snapshot's ACLs and client quotas in the target, with principals renamed by the
 * principal map and literal topic names by the topic map. Creating an ACL that exists, or setting a
 * quota to its value, changes nothing, so a re-run is harmless.
 */
final class ClusterRestore {

  /** How many ACLs and quotas were applied. */
  record Result(int acls, int quotas) {}

  private final KafkaConnection kafka;
  private final PrincipalMap principals;
  private final TopicMap topics;

  ClusterRestore(KafkaConnection kafka, PrincipalMap principals, TopicMap topics) {
    this.kafka = kafka;
    this.principals = principals;
    this.topics = topics;
  }

  /**
   * Refuses to restore the ACLs of a snapshot of an unencrypted repository unless the options say
   * the user trusts it. Anyone who can write to such a repository can forge a manifest, and ACLs
   * grant access to the target; the key of an encrypted repository authenticates its manifests.
   * Called before the restore writes anything.
   */
  static void checkAclsTrusted(
      SnapshotManifest snapshot, boolean encrypted, RestoreOptions options) {
    if (options.aclsFromUnencryptedRepository() || options.dataOnly() || encrypted) {
      return;
    }
    int acls = snapshot.cluster().acls().size();
    if (acls > 0) {
      throw KbackupException.usage(
          "snapshot "
              + snapshot.id()
              + " holds "
              + acls
              + " ACLs and the repository is not encrypted, so anyone who can write to it could"
              + " have put them there; nothing was restored",
          "check them with --dry-run --acls-from-unencrypted-repository, then restore with"
              + " --acls-from-unencrypted-repository, or without ACLs, groups and quotas with"
              + " --data-only");
    }
  }

  /** What {@link #run} would create, one line each, for a dry run. */
  List<String> plan(ClusterMetadata cluster) {
    List<String> lines = new ArrayList<>();
    for (AclEntry a : cluster.acls()) {
      AclBinding b = binding(a);
      lines.add(
          "ACL "
              + b.entry().permissionType()
              + " "
              + Untrusted.text(b.entry().principal())
              + " "
              + b.entry().operation()
              + " on "
              + b.pattern().resourceType()
              + " "
              + Untrusted.text(b.pattern().name())
              + " ("
              + b.pattern().patternType()
              + ", host "
              + Untrusted.text(b.entry().host())
              + ")");
    }
    for (ClientQuotaAlteration q : quotas(cluster)) {
      lines.add(
          "quota "
              + new java.util.TreeMap<>(q.entity().entries())
              + " "
              + q.ops().stream().map(op -> op.key() + "=" + op.value()).toList());
    }
    return lines;
  }

  Result run(Admin admin, ClusterMetadata cluster, List<String> notes) {
    int acls = 0;
    if (!cluster.acls().isEmpty()) {
      List<AclBinding> bindings = new ArrayList<>();
      for (AclEntry a : cluster.acls()) {
        bindings.add(binding(a));
      }
      try {
        admin.createAcls(bindings).all().get(kafka.timeout().toMillis(), TimeUnit.MILLISECONDS);
        acls = bindings.size();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof SecurityDisabledException)) {
          throw kafka.refused("create ACLs", e.getCause());
        }
        notes.add(
            "the target cluster has no authorizer: " + bindings.size() + " ACLs were not restored");
      } catch (java.util.concurrent.TimeoutException e) {
        throw kafka.unreachable(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw kafka.unreachable(e);
      }
    }
    List<ClientQuotaAlteration> alterations = quotas(cluster);
    if (!alterations.isEmpty()) {
      kafka.await(admin.alterClientQuotas(alterations).all(), "set client quotas");
    }
    if (!cluster.scramUsers().isEmpty()) {
      notes.add(
          cluster.scramUsers().size()
              + " SCRAM users exist in the snapshot ("
              + String.join(
                  ", ",
                  cluster.scramUsers().stream().map(u -> principals.mapUser(u.name())).toList())
              + "); their secrets cannot be backed up, create them with kafka-configs.sh --alter --add-config SCRAM-SHA-…");
    }
    return new Result(acls, alterations.size());
  }

  private List<ClientQuotaAlteration> quotas(ClusterMetadata cluster) {
    List<ClientQuotaAlteration> alterations = new ArrayList<>();
    for (QuotaEntry q : cluster.quotas()) {
      Map<String, String> entity = new HashMap<>();
      q.entity()
          .forEach(
              (type, name) ->
                  entity.put(
                      type,
                      type.equals(ClientQuotaEntity.USER) && name != null
                          ? principals.mapUser(name)
                          : name));
      List<ClientQuotaAlteration.Op> ops = new ArrayList<>();
      q.values().forEach((key, value) -> ops.add(new ClientQuotaAlteration.Op(key, value)));
      alterations.add(new ClientQuotaAlteration(new ClientQuotaEntity(entity), ops));
    }
    return alterations;
  }

  private AclBinding binding(AclEntry a) {
    ResourceType type = ResourceType.valueOf(a.resourceType());
    PatternType pattern = PatternType.valueOf(a.patternType());
    String name =
        type == ResourceType.TOPIC && pattern == PatternType.LITERAL
            ? topics.target(a.resourceName())
            : a.resourceName();
    return new AclBinding(
        new ResourcePattern(type, name, pattern),
        new AccessControlEntry(
            principals.map(a.principal()),
            a.host(),
            AclOperation.valueOf(a.operation()),
            AclPermissionType.valueOf(a.permission())));
  }
}

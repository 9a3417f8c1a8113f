package io.kbackup.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.backup.Backup;
import io.kbackup.backup.BackupOptions;
import io.kbackup.backup.BackupResult;
import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.repository.ClusterMetadata;
import io.kbackup.repository.Repository;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.testing.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACLs, quotas, broker configs and SCRAM users captured from and restored to clusters with an
 * authorizer.
 */
class ClusterMetadataRestoreTest {

  static final Map<String, String> AUTHORIZER =
      Map.of(
          "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
          "super.users", "User:ANONYMOUS");

  @TempDir static Path dir;
  static LocalKafka source;
  static LocalKafka target;

  @BeforeAll
  static void start() throws Exception {
    source = LocalKafka.start(dir.resolve("source"), AUTHORIZER);
    target = LocalKafka.start(dir.resolve("target"), AUTHORIZER);
  }

  @AfterAll
  static void stop() {
    source.stop();
    target.stop();
  }

  static AclBinding acl(
      ResourceType type, String name, PatternType pattern, String principal, AclOperation op) {
    return new AclBinding(
        new ResourcePattern(type, name, pattern),
        new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
  }

  @Test
  void aclsAndQuotasComeBackWithPrincipalsAndTopicsRenamed() throws Exception {
    Topics.create(source.bootstrapServers(), "acl-orders", 2);
    Topics.fill(
        source.bootstrapServers(), "acl-orders", 2, 0, 10, (p, i) -> 1_700_000_000_000L + i);
    try (Admin admin = Topics.admin(source.bootstrapServers())) {
      admin
          .createAcls(
              List.of(
                  acl(
                      ResourceType.TOPIC,
                      "acl-orders",
                      PatternType.LITERAL,
                      "User:alice",
                      AclOperation.READ),
                  acl(
                      ResourceType.GROUP,
                      "app-",
                      PatternType.PREFIXED,
                      "User:alice",
                      AclOperation.READ),
                  acl(
                      ResourceType.CLUSTER,
                      "kafka-cluster",
                      PatternType.LITERAL,
                      "User:bob",
                      AclOperation.DESCRIBE)))
          .all()
          .get();
      admin
          .alterClientQuotas(
              List.of(
                  new ClientQuotaAlteration(
                      new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, "alice")),
                      List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 1024.0))),
                  new ClientQuotaAlteration(
                      new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "reporting")),
                      List.of(new ClientQuotaAlteration.Op("consumer_byte_rate", 2048.0)))))
          .all()
          .get();
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.BROKER, ""),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("log.cleaner.threads", "2"), AlterConfigOp.OpType.SET))))
          .all()
          .get();
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      "carol",
                      new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192),
                      "carol-secret")))
          .all()
          .get();
    }

    Repository repo =
        Repository.init(new FileSystemStorage(dir.resolve("repo")), SegmentSettings.defaults());
    BackupResult backup =
        new Backup(
                repo,
                KafkaConnection.of(source.bootstrapServers()),
                new BackupOptions(TopicSelector.of("acl-.*", null), false))
            .run();
    ClusterMetadata cluster = backup.snapshot().cluster();
    assertThat(cluster.acls()).hasSize(3);
    assertThat(cluster.quotas())
        .extracting(q -> q.entity().toString() + q.values())
        .containsExactlyInAnyOrder(
            "{user=alice}{producer_byte_rate=1024.0}",
            "{client-id=reporting}{consumer_byte_rate=2048.0}");
    assertThat(cluster.brokerConfigs().get(""))
        .anySatisfy(
            c -> {
              assertThat(c.name()).isEqualTo("log.cleaner.threads");
              assertThat(c.value()).isEqualTo("2");
            });
    assertThat(cluster.scramUsers())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.name()).isEqualTo("carol");
              assertThat(u.mechanisms()).containsExactly("SCRAM-SHA-256 (8192 iterations)");
            });
    assertThat(repo.storage().readAll("snapshots/" + backup.snapshot().id() + ".json"))
        .asString()
        .doesNotContain("carol-secret");

    List<String> properties =
        io.kbackup.metadata.BrokerConfigFile.lines(
            backup.snapshot(),
            null,
            Map.of("node.id", "4", "listeners", "PLAINTEXT://10.1.2.3:9092"));
    assertThat(properties)
        .contains(
            "log.cleaner.threads=2",
            "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "node.id=4",
            "listeners=PLAINTEXT://10.1.2.3:9092");
    assertThat(properties)
        .anyMatch(l -> l.startsWith("# CHECK log.dirs is site-specific; the source had: "));
    assertThat(properties)
        .anyMatch(l -> l.startsWith("# CHECK advertised.listeners is site-specific"));
    assertThat(properties)
        .noneMatch(l -> l.startsWith("advertised.listeners=") || l.startsWith("log.dirs="));
    assertThat(properties.stream().filter(l -> l.startsWith("node.id")).toList())
        .containsExactly("node.id=4");

    // the repository is not encrypted: its ACLs are restored only when the caller says so
    assertThatThrownBy(
            () ->
                new Restore(
                        repo,
                        KafkaConnection.of(target.bootstrapServers()),
                        RestoreOptions.builder()
                            .topicMap(TopicMap.parse("acl-orders=dr-orders"))
                            .dryRun(true)
                            .build())
                    .run())
        .isInstanceOfSatisfying(
            KbackupException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageContaining("holds 3 ACLs and the repository is not encrypted");

    RestoreResult plan =
        new Restore(
                repo,
                KafkaConnection.of(target.bootstrapServers()),
                RestoreOptions.builder()
                    .topicMap(TopicMap.parse("acl-orders=dr-orders"))
                    .parallelism(2)
                    .dryRun(true)
                    .principals(PrincipalMap.parse("User:alice=User:alicia"))
                    .aclsFromUnencryptedRepository(true)
                    .build())
            .run();
    assertThat(plan.plannedChanges())
        .containsExactlyInAnyOrder(
            "create topic dr-orders: 2 partitions, replication the cluster's default, configs {message.timestamp.after.max.ms=9223372036854775807, message.timestamp.before.max.ms=9223372036854775807, message.timestamp.type=CreateTime, retention.bytes=-1, retention.ms=-1}",
            "ACL ALLOW User:alicia READ on TOPIC dr-orders (LITERAL, host *)",
            "ACL ALLOW User:alicia READ on GROUP app- (PREFIXED, host *)",
            "ACL ALLOW User:bob DESCRIBE on CLUSTER kafka-cluster (LITERAL, host *)",
            "quota {user=alicia} [producer_byte_rate=1024.0]",
            "quota {client-id=reporting} [consumer_byte_rate=2048.0]");

    RestoreResult result =
        new Restore(
                repo,
                KafkaConnection.of(target.bootstrapServers()),
                RestoreOptions.builder()
                    .topicMap(TopicMap.parse("acl-orders=dr-orders"))
                    .parallelism(2)
                    .dryRun(false)
                    .principals(PrincipalMap.parse("User:alice=User:alicia"))
                    .aclsFromUnencryptedRepository(true)
                    .build())
            .run();
    assertThat(result.notes()).contains("restored 3 ACLs and 2 client quotas");
    assertThat(result.notes())
        .anyMatch(n -> n.startsWith("1 SCRAM users exist in the snapshot (carol)"));

    try (Admin admin = Topics.admin(target.bootstrapServers())) {
      Set<String> acls =
          admin.describeAcls(AclBindingFilter.ANY).values().get().stream()
              .map(
                  b ->
                      b.pattern().resourceType()
                          + ":"
                          + b.pattern().name()
                          + ":"
                          + b.pattern().patternType()
                          + ":"
                          + b.entry().principal()
                          + ":"
                          + b.entry().operation())
              .collect(Collectors.toSet());
      assertThat(acls)
          .containsExactlyInAnyOrder(
              "TOPIC:dr-orders:LITERAL:User:alicia:READ",
              "GROUP:app-:PREFIXED:User:alicia:READ",
              "CLUSTER:kafka-cluster:LITERAL:User:bob:DESCRIBE");
      Map<ClientQuotaEntity, Map<String, Double>> quotas =
          admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get();
      assertThat(quotas)
          .containsEntry(
              new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, "alicia")),
              Map.of("producer_byte_rate", 1024.0));
      assertThat(quotas)
          .containsEntry(
              new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "reporting")),
              Map.of("consumer_byte_rate", 2048.0));
      assertThat(quotas).hasSize(2);
    }
  }
}

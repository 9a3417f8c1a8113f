package io.kbackup.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.kafka.TopicSelector;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class PermissionTest {

  @Test
  void theCommandNamesTheOperationAsKafkaAclsSpellsItAndQuotesOddNames() {
    Permission topic =
        new Permission(ResourceType.TOPIC, "orders", AclOperation.DESCRIBE_CONFIGS, "backup");
    Permission group =
        new Permission(ResourceType.GROUP, "billing team's app", AclOperation.READ, "restore");

    assertThat(topic.aclCommand("b1:9092", "User:reader"))
        .isEqualTo(
            "kafka-acls.sh --bootstrap-server b1:9092 --command-config ADMIN.properties --add"
                + " --allow-principal User:reader --operation DescribeConfigs --topic orders");
    assertThat(group.aclCommand("b1:9092", "User:CN=app,O=corp"))
        .endsWith(
            "--allow-principal 'User:CN=app,O=corp' --operation Read --group 'billing team'\\''s"
                + " app'");
    assertThat(Permission.cluster(AclOperation.ALTER_CONFIGS, "restore").describe())
        .isEqualTo("AlterConfigs on cluster");
  }

  @Test
  void onlyPatternsThatSpellOutNamesGiveTopicsToAskAboutByName() {
    assertThat(TopicSelector.of("orders|payments\\.v2", null).literalNames())
        .containsExactly("orders", "payments.v2");
    assertThat(TopicSelector.of("orders|payments", "payments").literalNames())
        .containsExactly("orders");
    assertThat(TopicSelector.of("orders.*", null).literalNames()).isEmpty();
    assertThat(TopicSelector.of(null, null).literalNames()).isEmpty();
  }
}

package io.kbackup.localkafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaTest {

  @Test
  void startsAServingBrokerAndKeepsItsDataAcrossARestart(@TempDir Path dir) throws Exception {
    try (LocalKafka kafka = LocalKafka.start(dir)) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("kept", 3, (short) 1))).all().get();
      }
      kafka.stop();
      assertThat(kafka.isRunning()).isFalse();
      kafka.restart();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        Set<String> names = admin.listTopics().names().get();
        assertThat(names).contains("kept");
        assertThat(
                admin
                    .describeTopics(List.of("kept"))
                    .allTopicNames()
                    .get()
                    .get("kept")
                    .partitions())
            .hasSize(3);
      }
    }
  }
}

package io.kbackup.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.error.KbackupException;
import io.kbackup.repository.ClusterMetadata;
import io.kbackup.repository.ClusterMetadata.ConfigValue;
import io.kbackup.repository.SnapshotManifest;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** server.properties from a forged manifest: every config stays one setting. */
class BrokerConfigFileTest {

  static SnapshotManifest manifest(String clusterId, String broker, List<ConfigValue> configs) {
    Map<String, List<ConfigValue>> brokers = new HashMap<>();
    brokers.put(broker, configs);
    return new SnapshotManifest(
        1,
        "20260301T000000Z-abcdef",
        "2026-03-01T00:00:00Z",
        "2026-03-01T00:00:00Z",
        clusterId,
        "test",
        null,
        List.of(),
        List.of(),
        new ClusterMetadata(null, null, brokers, null, null),
        List.of());
  }

  static ConfigValue config(String name, String value) {
    return new ConfigValue(name, value, false, "STATIC_BROKER_CONFIG");
  }

  static Properties parse(List<String> lines) throws Exception {
    Properties p = new Properties();
    p.load(new StringReader(String.join("\n", lines) + "\n"));
    return p;
  }

  @Test
  void forgedKeysAndValuesReadBackAsExactlyTheSettingsTheyAre() throws Exception {
    Map<String, String> plain = new HashMap<>();
    plain.put("log.cleaner.threads", "2\rnode.id=666");
    plain.put("num.io.threads\nauthorizer.class.name", "x");
    plain.put("a=b", "c=d");
    plain.put("colon:key", ":v");
    plain.put(" leading", "  two leading spaces and a trailing one ");
    plain.put("#comment", "!bang");
    plain.put("!bang", "#hash");
    plain.put("uni\u2028key\u00e9", "caf\u00e9 \u0000 ctl\u001b \r\n\f\t end");
    plain.put("ends.with.backslash", "c:\\path\\");
    plain.put("tab\tkey", "");
    List<ConfigValue> configs = new ArrayList<>();
    plain.forEach((k, v) -> configs.add(config(k, v)));
    configs.add(config("listeners", "PLAINTEXT://x:9092\nlog.retention.hours=1"));
    configs.add(config("log.dirs", "/data\r\nsneaky=1"));
    configs.add(new ConfigValue("ssl.key\npassword=stolen", null, true, "DYNAMIC_BROKER_CONFIG"));

    List<String> lines =
        BrokerConfigFile.lines(
            manifest("cluster\ninjected.by.cluster.id=1", "1\rinjected.by.broker=1", configs),
            null,
            Map.of("node.id", "4", "listeners", "PLAINTEXT://10.0.0.1:9092\n#x"));

    Map<String, String> expected = new HashMap<>(plain);
    expected.put("node.id", "4");
    expected.put("listeners", "PLAINTEXT://10.0.0.1:9092\n#x");
    Properties read = parse(lines);
    Map<String, String> actual = new HashMap<>();
    read.stringPropertyNames().forEach(k -> actual.put(k, read.getProperty(k)));
    assertThat(actual).isEqualTo(expected);
    assertThat(String.join("\n", lines)).matches("[\\x20-\\x7e\\n]*");
    // the flagged lines are still there, each one line
    assertThat(lines)
        .contains(
            "# CHECK log.dirs is site-specific; the source had: /data\\r\\nsneaky=1",
            "#log.dirs=/data\\r\\nsneaky=1",
            "# SENSITIVE ssl.key\\npassword\\=stolen: its value is not readable through Kafka's"
                + " API; set it here");
  }

  @Test
  void aBrokerConfigWithoutANameIsDamage() {
    List<ConfigValue> configs = new ArrayList<>();
    configs.add(config(null, "x"));
    assertThatThrownBy(() -> BrokerConfigFile.lines(manifest("c", "1", configs), null, Map.of()))
        .isInstanceOfSatisfying(
            KbackupException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(13);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "snapshot 20260301T000000Z-abcdef lists a broker config without a name");
            });
  }
}

package io.kbackup.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shipped alert rules and Grafana dashboard, checked against the metrics kbackup writes. */
class OpsFilesTest {

  static final Path ROOT = Promtool.projectRoot();
  static final Pattern METRIC = Pattern.compile("\\bkbackup_[a-z_]+\\b");

  @Test
  void alertRulesAreValidAndTheirUnitTestsPass() throws Exception {
    Promtool.Result check =
        Promtool.run(null, "check", "rules", "ops/prometheus/kbackup-alerts.yml");
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 5 rules found");
    Promtool.Result test =
        Promtool.run(null, "test", "rules", "ops/prometheus/kbackup-alerts.test.yml");
    assertThat(test.exitCode()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void alertRulesUseOnlyMetricsKbackupWrites() throws Exception {
    String rules = Files.readString(ROOT.resolve("ops/prometheus/kbackup-alerts.yml"));
    assertThat(unknownMetrics(List.of(rules))).isEmpty();
  }

  @Test
  void everyDashboardQueryUsesOnlyMetricsKbackupWrites() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(ROOT.resolve("ops/grafana/kbackup-dashboard.json").toFile());
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
      panel.get("targets").forEach(t -> expressions.add(t.get("expr").asText()));
    }
    dashboard.get("templating").get("list").forEach(v -> expressions.add(v.path("query").asText()));
    assertThat(expressions).hasSizeGreaterThan(15);
    assertThat(unknownMetrics(expressions)).isEmpty();
    // every metric is shown somewhere
    Set<String> shown = new TreeSet<>();
    expressions.forEach(e -> METRIC.matcher(e).results().forEach(m -> shown.add(m.group())));
    assertThat(shown).containsAll(new KbackupMetrics().sampleNames());
  }

  private static Set<String> unknownMetrics(List<String> expressions) {
    Set<String> known = new KbackupMetrics().sampleNames();
    Set<String> unknown = new TreeSet<>();
    for (String e : expressions) {
      Matcher m = METRIC.matcher(e);
      while (m.find()) {
        if (!known.contains(m.group())) {
          unknown.add(m.group());
        }
      }
    }
    return unknown;
  }
}

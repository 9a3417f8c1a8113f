package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --json}, backup, restore and verify print JSON Lines on standard output: status lines
 * while they work and when the work ends, then the summary; an error is one JSON line on standard
 * error. Every line says what it is in {@code type}.
 */
class JsonLinesTest {

  static final int RECORDS = 30 + 30 + 20; // the sample topics with 10 orders a partition
  @TempDir static Path dir;
  static String b;
  static String repo;

  @BeforeAll
  static void writeTheSampleTopics() throws Exception {
    b = SharedKafka.primary().bootstrapServers();
    SampleTopics.write(b, "jl-", 10);
    repo = dir.resolve("repo").toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
  }

  @Test
  void theLastStatusLineCountsWhatTheSummarySays() {
    String repo = dir.resolve("counted").toString(); // a first backup reads every record
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
    CliRunner.Result backup =
        CliRunner.run("backup", "--repo", repo, "-b", b, "--topics", "jl-.*", "--json");

    assertThat(backup.exitCode()).as(backup.err()).isZero();
    assertThat(backup.err()).isEmpty();
    JsonNode backedUp = backup.summary();
    JsonNode status = lastStatusBeforeTheSummary(backup);
    assertThat(status.get("operation").asText()).isEqualTo("backup");
    assertThat(backedUp.get("records").asLong()).isEqualTo(RECORDS);
    assertThat(backedUp.get("recordsRead").asLong()).isEqualTo(RECORDS);
    assertThat(status.get("records").asLong()).isEqualTo(RECORDS);
    // the cut held 10 aborted records and 8 transaction markers too: at the end, the expected
    // count is what was read
    assertThat(status.get("expectedRecords").asLong()).isEqualTo(RECORDS);
    assertThat(status.get("bytes").asLong()).isEqualTo(backedUp.get("bytesRead").asLong());
    assertThat(status.has("etaSeconds")).isFalse();

    String map = "jl-orders=jl-orders-back,jl-payments=jl-payments-back,jl-audit=jl-audit-back";
    CliRunner.Result restore =
        CliRunner.run("restore", "--repo", repo, "-b", b, "--topic-map", map, "--json");

    assertThat(restore.exitCode()).as(restore.err()).isZero();
    JsonNode restored = restore.summary();
    status = lastStatusBeforeTheSummary(restore);
    assertThat(status.get("operation").asText()).isEqualTo("restore");
    assertThat(restored.get("recordsSent").asLong()).isEqualTo(RECORDS);
    assertThat(status.get("records").asLong()).isEqualTo(RECORDS);
    assertThat(status.get("expectedRecords").asLong()).isEqualTo(RECORDS);

    CliRunner.Result verify = CliRunner.run("verify", "--repo", repo, "--level", "2", "--json");

    assertThat(verify.exitCode()).as(verify.err()).isZero();
    JsonNode verified = verify.summary();
    status = lastStatusBeforeTheSummary(verify);
    assertThat(status.get("operation").asText()).isEqualTo("verify");
    assertThat(verified.get("objectsRead").asInt()).isEqualTo(6); // a segment a partition
    assertThat(status.get("objects").asInt()).isEqualTo(6);
    assertThat(status.get("expectedObjects").asInt()).isEqualTo(6);
    assertThat(status.get("bytes").asLong()).isEqualTo(verified.get("bytesRead").asLong());
    assertThat(status.get("expectedBytes").asLong()).isEqualTo(verified.get("bytesRead").asLong());

    CliRunner.Result quick = CliRunner.run("verify", "--repo", repo, "--json");

    assertThat(quick.exitCode()).as(quick.err()).isZero();
    status = lastStatusBeforeTheSummary(quick);
    assertThat(status.get("objects").asInt()).isEqualTo(6);
    assertThat(status.get("expectedObjects").asInt()).isEqualTo(6);
    assertThat(status.get("bytes").asLong()).isZero();
  }

  @Test
  void withoutJsonAPipeGetsTheSummaryAloneAsBefore() {
    CliRunner.Result backup = CliRunner.run("backup", "--repo", repo, "-b", b, "--topics", "jl-.*");

    assertThat(backup.exitCode()).as(backup.err()).isZero();
    assertThat(backup.out().lines()).hasSize(1).allMatch(l -> l.startsWith("snapshot "));
    assertThat(backup.err()).isEmpty();
  }

  /** An unreachable cluster keeps a backup waiting for its timeout: status lines come meanwhile. */
  @Test
  void statusLinesComeEveryTwoSecondsAndAFailureEndsWithAnErrorLine() {
    CliRunner.Result r =
        CliRunner.run("backup", "--repo", repo, "-b", "127.0.0.1:1", "--timeout", "5", "--json");

    assertThat(r.exitCode()).isEqualTo(1);
    List<JsonNode> lines = r.jsonLines();
    assertThat(lines)
        .hasSizeGreaterThanOrEqualTo(3)
        .allMatch(l -> l.get("type").asText().equals("status"));
    for (int i = 0; i < lines.size() - 1; i++) {
      double at = lines.get(i).get("elapsedSeconds").asDouble();
      assertThat(at).as("status line %d", i + 1).isBetween(2.0 * (i + 1), 2.0 * (i + 1) + 1);
      assertThat(lines.get(i).get("records").asLong()).isZero();
      assertThat(lines.get(i).has("expectedRecords")).isFalse();
      assertThat(lines.get(i).has("etaSeconds")).isFalse();
    }
    assertThat(lines.get(lines.size() - 1).get("elapsedSeconds").asDouble())
        .isGreaterThanOrEqualTo(5);
    List<String> errors = r.err().lines().toList();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0))
        .isEqualTo(
            "{\"type\":\"error\",\"error\":\"cannot reach Kafka at 127.0.0.1:1 within 5 s\","
                + "\"hint\":\"check --bootstrap-server, that the brokers are up, and"
                + " --command-config for TLS or SASL\",\"exitCode\":1}");
  }

  @Test
  void anErrorBeforeAnyWorkIsOneErrorLineAndNothingElse() {
    String nowhere = dir.resolve("nowhere").toString();
    CliRunner.Result r = CliRunner.run("backup", "--repo", nowhere, "-b", b, "--json");

    assertThat(r.exitCode()).isEqualTo(10);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines())
        .containsExactly(
            "{\"type\":\"error\",\"error\":\"no kbackup repository at "
                + nowhere
                + "\",\"hint\":\"check --repo, or create one with `kbackup init --repo "
                + nowhere
                + "`\",\"exitCode\":10}");
  }

  /** Every line is JSON with a type: status lines, then the summary, which is the last line. */
  private static JsonNode lastStatusBeforeTheSummary(CliRunner.Result r) {
    List<String> types = r.jsonLines().stream().map(l -> l.get("type").asText()).toList();
    assertThat(types).hasSizeGreaterThanOrEqualTo(2).endsWith("status", "summary");
    assertThat(types.subList(0, types.size() - 1)).containsOnly("status");
    List<JsonNode> statuses = r.jsonLines("status");
    return statuses.get(statuses.size() - 1);
  }
}

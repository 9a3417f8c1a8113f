package io.kbackup.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesMetricsThatPromtoolAcceptsAndAnswersHealth() throws Exception {
    KbackupMetrics metrics = new KbackupMetrics();
    Instant start = Instant.parse("2026-11-26T10:00:00Z");
    metrics.jobFinished("backup", "/var/backups/kafka", start, start.plusSeconds(42), 0);
    metrics.jobFinished("backup", "/var/backups/kafka", start, start.plusSeconds(43), 1);
    metrics.backupLag("/var/backups/kafka", "orders", 17, start, start.plusSeconds(60));
    try (MetricsServer server = MetricsServer.start(metrics, "127.0.0.1", 0)) {
      HttpResponse<String> scrape = get(server.port(), "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body())
          .contains(
              "kbackup_failures_total{operation=\"backup\",repository=\"/var/backups/kafka\"} 1.0",
              "kbackup_consecutive_failures{operation=\"backup\",repository=\"/var/backups/kafka\"} 1.0",
              "kbackup_backup_lag_records{repository=\"/var/backups/kafka\",topic=\"orders\"} 17.0",
              "kbackup_backup_lag_seconds{repository=\"/var/backups/kafka\",topic=\"orders\"} 60.0");
      Promtool.Result check = Promtool.run(scrape.body(), "check", "metrics");
      assertThat(check.exitCode()).as(check.output()).isZero();
      assertThat(check.output()).isBlank();

      HttpResponse<String> health = get(server.port(), "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok\n");
      assertThat(get(server.port(), "/elsewhere").statusCode()).isEqualTo(404);
    }
  }
}

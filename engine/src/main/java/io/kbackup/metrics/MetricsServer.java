package io.kbackup.metrics;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Serves the metrics over HTTP for Prometheus: {@code /metrics} in the text format and {@code
 * /health}, which answers 200 while the process runs. Anything else is 404.
 */
public final class MetricsServer implements AutoCloseable {

  private final HTTPServer server;

  private MetricsServer(HTTPServer server) {
    this.server = server;
  }

  /** Starts serving on host:port; port 0 takes a free one (see {@link #port()}). */
  public static MetricsServer start(KbackupMetrics metrics, String host, int port)
      throws IOException {
    HTTPServer server =
        HTTPServer.builder()
            .hostname(host)
            .port(port)
            .registry(metrics.registry())
            .registerHealthHandler(false)
            .defaultHandler(MetricsServer::otherPaths)
            .buildAndStart();
    return new MetricsServer(server);
  }

  public int port() {
    return server.getPort();
  }

  private static void otherPaths(HttpExchange exchange) throws IOException {
    try (exchange) {
      boolean health = exchange.getRequestURI().getPath().equals("/health");
      byte[] body =
          (health ? "ok\n" : "not found: try /metrics or /health\n")
              .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(health ? 200 : 404, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}

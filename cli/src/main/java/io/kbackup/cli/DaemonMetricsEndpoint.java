package io.kbackup.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The daemon's HTTP endpoint: {@code /metrics} serves the metrics file its jobs keep up to date
 * (the Prometheus text format, as node_exporter would read it), {@code /health} answers while the
 * daemon runs.
 */
final class DaemonMetricsEndpoint implements AutoCloseable {

  private final HttpServer server;

  private DaemonMetricsEndpoint(HttpServer server) {
    this.server = server;
  }

  static DaemonMetricsEndpoint start(String hostPort, Path metricsFile) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    String host = colon < 0 ? "127.0.0.1" : hostPort.substring(0, colon);
    int port = Integer.parseInt(colon < 0 ? hostPort : hostPort.substring(colon + 1));
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    server.createContext(
        "/metrics",
        exchange -> {
          String text;
          try {
            text = Files.readString(metricsFile, StandardCharsets.UTF_8);
          } catch (NoSuchFileException e) {
            text = ""; // no job has run yet
          }
          respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", text);
        });
    server.createContext(
        "/health", exchange -> respond(exchange, 200, "text/plain; charset=utf-8", "ok\n"));
    server.start();
    return new DaemonMetricsEndpoint(server);
  }

  int port() {
    return server.getAddress().getPort();
  }

  String host() {
    return server.getAddress().getHostString();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

package io.kbackup.storage.azure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately imperfect Blob service stand-in on 127.0.0.1, in memory, for what Azurite does not
 * show: a service that stores a blob and then answers the request with a 500, so the client
 * retries. Small block blobs only; authentication is not checked.
 */
final class StandInAzure implements AutoCloseable {

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

  private final HttpServer server;
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final AtomicInteger failuresLeft;
  final AtomicInteger puts = new AtomicInteger();

  /**
   * @param failures how many of the first uploads are stored and then answered with 500
   */
  StandInAzure(int failures) throws IOException {
    this.failuresLeft = new AtomicInteger(failures);
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  AzureStorage storage() {
    return AzureStorage.builder("azure://stand-in/repo")
        .endpoint("http://127.0.0.1:" + server.getAddress().getPort() + "/" + LocalAzurite.ACCOUNT)
        .accountKey(LocalAzurite.ACCOUNT, LocalAzurite.KEY)
        .retryDelay(java.time.Duration.ofMillis(50))
        .build();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    byte[] body = exchange.getRequestBody().readAllBytes();
    byte[] blob = blobs.get(path);
    switch (exchange.getRequestMethod()) {
      case "PUT" -> {
        puts.incrementAndGet();
        if ("*".equals(exchange.getRequestHeaders().getFirst("If-None-Match")) && blob != null) {
          exchange.getResponseHeaders().add("x-ms-error-code", "BlobAlreadyExists");
          respond(exchange, 409, new byte[0]);
          return;
        }
        blobs.put(path, body);
        if (failuresLeft.getAndDecrement() > 0) {
          respond(exchange, 500, new byte[0]);
          return;
        }
        respond(exchange, 201, new byte[0]);
      }
      case "HEAD" -> {
        if (blob == null) {
          exchange.getResponseHeaders().add("x-ms-error-code", "BlobNotFound");
          exchange.sendResponseHeaders(404, -1);
        } else {
          describe(exchange, blob.length);
          exchange.getResponseHeaders().add("Content-Length", Integer.toString(blob.length));
          exchange.sendResponseHeaders(200, -1);
        }
        exchange.close();
      }
      case "GET" -> {
        if (blob == null) {
          exchange.getResponseHeaders().add("x-ms-error-code", "BlobNotFound");
          respond(exchange, 404, new byte[0]);
          return;
        }
        Matcher range =
            RANGE.matcher(String.valueOf(exchange.getRequestHeaders().getFirst("x-ms-range")));
        int from = range.matches() ? Integer.parseInt(range.group(1)) : 0;
        int to =
            range.matches()
                ? Math.min(Integer.parseInt(range.group(2)), blob.length - 1)
                : blob.length - 1;
        describe(exchange, blob.length);
        exchange
            .getResponseHeaders()
            .add("Content-Range", "bytes " + from + "-" + to + "/" + blob.length);
        respond(exchange, range.matches() ? 206 : 200, Arrays.copyOfRange(blob, from, to + 1));
      }
      default -> respond(exchange, 501, new byte[0]);
    }
  }

  private static void describe(HttpExchange exchange, int size) {
    exchange.getResponseHeaders().add("ETag", "\"0x1\"");
    exchange.getResponseHeaders().add("x-ms-blob-type", "BlockBlob");
    exchange
        .getResponseHeaders()
        .add(
            "Last-Modified",
            DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

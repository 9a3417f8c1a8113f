package io.kbackup.storage.s3;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A deliberately imperfect S3 stand-in on 127.0.0.1, in memory, for the behaviours s3proxy does not
 * show: a server that ignores {@code If-None-Match} (on PutObject, or on CompleteMultipartUpload
 * only), or one that stores an object and then answers with an error. Objects are held in memory;
 * bodies may be plain or aws-chunked.
 */
final class StandInS3 implements AutoCloseable {

  private final HttpServer server;
  private final boolean honoursIfNoneMatch;
  private volatile Predicate<String> failAfterStoring;
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final Map<String, TreeMap<Integer, byte[]>> uploads = new ConcurrentHashMap<>();

  /** Whether a CompleteMultipartUpload with {@code If-None-Match: *} is refused over an object. */
  volatile boolean honoursIfNoneMatchOnComplete = true;

  final List<String> putPaths = new CopyOnWriteArrayList<>();
  final List<Headers> putHeaders = new CopyOnWriteArrayList<>();

  /**
   * @param failAfterStoring paths whose first conditional PUT is stored and then answered with 500
   */
  StandInS3(boolean honoursIfNoneMatch, Predicate<String> failAfterStoring) throws IOException {
    this.honoursIfNoneMatch = honoursIfNoneMatch;
    this.failAfterStoring = failAfterStoring;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The request paths of the objects held: {@code /bucket/key}. */
  java.util.Set<String> paths() {
    return objects.keySet();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  S3Storage storage() {
    return S3Storage.builder("s3://stand-in/repo")
        .endpoint(endpoint())
        .region("us-east-1")
        .pathStyle(true)
        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "secret")))
        .build();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    byte[] body = exchange.getRequestBody().readAllBytes();
    if (exchange.getRequestHeaders().containsKey("x-amz-decoded-content-length")) {
      body = decodeChunks(body);
    }
    String query = exchange.getRequestURI().getQuery();
    if (query != null && (query.startsWith("uploads") || query.contains("uploadId="))) {
      multipart(exchange, path, query, body);
      return;
    }
    switch (exchange.getRequestMethod()) {
      case "PUT" -> {
        putPaths.add(path);
        putHeaders.add(exchange.getRequestHeaders());
        boolean conditional = "*".equals(exchange.getRequestHeaders().getFirst("If-None-Match"));
        if (conditional && honoursIfNoneMatch && objects.containsKey(path)) {
          respond(exchange, 412, new byte[0]);
          return;
        }
        objects.put(path, body);
        if (conditional && failAfterStoring.test(path)) {
          failAfterStoring = p -> false;
          respond(exchange, 500, new byte[0]);
          return;
        }
        exchange.getResponseHeaders().add("ETag", "\"0\"");
        respond(exchange, 200, new byte[0]);
      }
      case "GET" -> {
        byte[] object = objects.get(path);
        respond(exchange, object == null ? 404 : 200, object == null ? new byte[0] : object);
      }
      case "HEAD" -> {
        byte[] object = objects.get(path);
        if (object != null) {
          exchange.getResponseHeaders().add("Content-Length", Integer.toString(object.length));
        }
        exchange.sendResponseHeaders(object == null ? 404 : 200, -1);
        exchange.close();
      }
      case "DELETE" -> {
        objects.remove(path);
        respond(exchange, 204, new byte[0]);
      }
      default -> respond(exchange, 501, new byte[0]);
    }
  }

  /** One multipart upload at a time per key: start, parts, complete (conditional) or abort. */
  private void multipart(HttpExchange exchange, String path, String query, byte[] body)
      throws IOException {
    String method = exchange.getRequestMethod();
    if (method.equals("POST") && query.startsWith("uploads")) {
      uploads.put(path, new TreeMap<>());
      respond(exchange, 200, xml("InitiateMultipartUploadResult", "<UploadId>u</UploadId>"));
    } else if (method.equals("PUT")) {
      int part = Integer.parseInt(query.replaceAll(".*partNumber=(\\d+).*", "$1"));
      uploads.get(path).put(part, body);
      exchange.getResponseHeaders().add("ETag", "\"" + part + "\"");
      respond(exchange, 200, new byte[0]);
    } else if (method.equals("POST")) {
      boolean conditional = "*".equals(exchange.getRequestHeaders().getFirst("If-None-Match"));
      if (conditional && honoursIfNoneMatchOnComplete && objects.containsKey(path)) {
        respond(exchange, 412, new byte[0]);
        return;
      }
      ByteArrayOutputStream object = new ByteArrayOutputStream();
      for (byte[] part : uploads.remove(path).values()) {
        object.write(part);
      }
      objects.put(path, object.toByteArray());
      respond(exchange, 200, xml("CompleteMultipartUploadResult", "<ETag>\"0\"</ETag>"));
    } else {
      uploads.remove(path);
      respond(exchange, 204, new byte[0]);
    }
  }

  private static byte[] xml(String element, String content) {
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><"
            + element
            + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + content
            + "</"
            + element
            + ">")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The payload of an aws-chunked body: {@code HEX-SIZE[;ext]\r\nDATA\r\n}… then trailers. */
  private static byte[] decodeChunks(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (true) {
      int lineEnd = indexOfCrLf(body, at);
      String header = new String(body, at, lineEnd - at, StandardCharsets.US_ASCII);
      int size = Integer.parseInt(header.split(";")[0].trim(), 16);
      if (size == 0) {
        return out.toByteArray();
      }
      out.write(body, lineEnd + 2, size);
      at = lineEnd + 2 + size + 2;
    }
  }

  private static int indexOfCrLf(byte[] bytes, int from) {
    for (int i = from; i + 1 < bytes.length; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i;
      }
    }
    throw new IllegalArgumentException("not an aws-chunked body");
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

package io.kbackup.storage.s3;

import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.ObjectNotFoundException;
import io.kbackup.storage.ObjectStoreLocation;
import io.kbackup.storage.ScratchDirectory;
import io.kbackup.storage.Storage;
import io.kbackup.storage.StoredBytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * Storage in an S3 bucket (Amazon S3 or an S3-compatible store), under a key prefix. Every upload
 * carries a CRC32C checksum that the server verifies; files above the part size go up as multipart
 * uploads; put-if-absent is a conditional write ({@code If-None-Match: *}), which the server is
 * checked to honour before the first one. Transient failures are retried by the SDK with backoff;
 * what is left surfaces as an {@link IOException} naming the object, status and S3 error code.
 */
public final class S3Storage implements Storage {

  private static final int CONFLICT_RETRIES = 5;
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private final S3Client client;
  private final ObjectStoreLocation location;
  private final String endpoint;
  private final StorageClass dataStorageClass;
  private final long partSize;
  private final ScratchDirectory scratch = new ScratchDirectory("kbackup-s3-");
  private volatile boolean conditionalWritesChecked;
  private volatile boolean conditionalCompletesChecked;

  S3Storage(
      S3Client client,
      ObjectStoreLocation location,
      String endpoint,
      StorageClass dataStorageClass,
      long partSize) {
    this.client = client;
    this.location = location;
    this.endpoint = endpoint;
    this.dataStorageClass = dataStorageClass;
    this.partSize = partSize;
  }

  /** Starts configuring storage at {@code s3://bucket/prefix}. */
  public static S3StorageBuilder builder(String url) {
    return new S3StorageBuilder(parse(url));
  }

  private static ObjectStoreLocation parse(String url) {
    return ObjectStoreLocation.parse(
        url, "s3", BUCKET, "S3 bucket name", "3 to 63 characters of a-z, 0-9, '.' and '-'");
  }

  @Override
  public void put(String key, Path file) throws IOException {
    long size = Files.size(file);
    String objectKey = objectKey(key);
    try {
      if (size > partSize) {
        MultipartUpload.upload(
            client,
            location.container(),
            objectKey,
            storageClass(key),
            file,
            size,
            partSize,
            false);
      } else {
        client.putObject(putRequest(key).contentLength(size).build(), RequestBody.fromFile(file));
      }
    } catch (SdkException e) {
      throw failure("PutObject", key, e);
    }
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    PutObjectRequest request = putRequest(key).build();
    try {
      client.putObject(request, RequestBody.fromBytes(bytes));
    } catch (SdkException e) {
      throw failure("PutObject", key, e);
    }
  }

  @Override
  public boolean putIfAbsent(String key, byte[] bytes) throws IOException {
    checkConditionalWrites();
    return putBytesIfAbsent(key, bytes);
  }

  private boolean putBytesIfAbsent(String key, byte[] bytes) throws IOException {
    PutObjectRequest request = putRequest(key).ifNoneMatch("*").build();
    return putConditionally(
        key,
        "conditional PutObject",
        () -> client.putObject(request, RequestBody.fromBytes(bytes)),
        () -> StoredBytes.equal(this, key, bytes));
  }

  @Override
  public boolean putIfAbsent(String key, Path file) throws IOException {
    long size = Files.size(file);
    checkConditionalWrites();
    if (size > partSize) {
      checkConditionalCompletes();
      // the condition goes on CompleteMultipartUpload: the object appears only then
      return putConditionally(
          key,
          "conditional multipart upload",
          () ->
              MultipartUpload.upload(
                  client,
                  location.container(),
                  objectKey(key),
                  storageClass(key),
                  file,
                  size,
                  partSize,
                  true),
          () -> StoredBytes.equal(this, key, file));
    }
    PutObjectRequest request = putRequest(key).ifNoneMatch("*").contentLength(size).build();
    return putConditionally(
        key,
        "conditional PutObject",
        () -> client.putObject(request, RequestBody.fromFile(file)),
        () -> StoredBytes.equal(this, key, file));
  }

  /** One try of a conditional write. */
  private interface ConditionalWrite {
    void send();
  }

  /** Whether the object there holds the bytes the write sent. */
  private interface Ours {
    boolean check() throws IOException;
  }

  private boolean putConditionally(String key, String operation, ConditionalWrite write, Ours ours)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        write.send();
        return true;
      } catch (S3Exception e) {
        if (e.statusCode() == 412) {
          // after a retry the object may be our own first attempt, stored but not acknowledged
          return retried(e) && ours.check();
        }
        // 409 ConditionalRequestConflict: another conditional write of the key is in flight
        if (e.statusCode() != 409 || attempt == CONFLICT_RETRIES) {
          throw failure(operation, key, e);
        }
        pause(100L * attempt);
      } catch (SdkException e) {
        throw failure(operation, key, e);
      }
    }
  }

  private static boolean retried(SdkException e) {
    return e.numAttempts() != null && e.numAttempts() > 1;
  }

  /**
   * Commit points are only safe if the server refuses a conditional write over an existing object;
   * some S3-compatible servers ignore {@code If-None-Match}. Checked once with a probe object.
   */
  private void checkConditionalWrites() throws IOException {
    if (conditionalWritesChecked) {
      return;
    }
    String probe = "probes/conditional-write-" + UUID.randomUUID();
    try {
      putBytesIfAbsent(probe, new byte[0]);
      if (putBytesIfAbsent(probe, new byte[] {1})) {
        throw new IOException(
            "the S3 server at "
                + endpoint
                + " ignores conditional writes (If-None-Match: *), which kbackup needs to commit"
                + " snapshots safely; use a server that supports them");
      }
    } finally {
      delete(probe);
    }
    conditionalWritesChecked = true;
  }

  /**
   * A large file goes up in parts, and only the completion can carry the condition; a server may
   * honour it on PutObject and ignore it there. Checked once, with a one-part upload over a probe.
   */
  private void checkConditionalCompletes() throws IOException {
    if (conditionalCompletesChecked) {
      return;
    }
    String probe = "probes/conditional-complete-" + UUID.randomUUID();
    Path part = Files.createTempFile(scratch.get(), "probe-", ".tmp");
    try {
      Files.write(part, new byte[] {1});
      put(probe, new byte[0]);
      if (putConditionally(
          probe,
          "conditional multipart upload",
          () ->
              MultipartUpload.upload(
                  client, location.container(), objectKey(probe), null, part, 1, partSize, true),
          () -> false)) {
        throw new IOException(
            "the S3 server at "
                + endpoint
                + " ignores conditional writes (If-None-Match: *) on CompleteMultipartUpload,"
                + " which kbackup needs to write large objects without replacing any; use a server"
                + " that supports them");
      }
    } finally {
      delete(probe);
      Files.deleteIfExists(part);
    }
    conditionalCompletesChecked = true;
  }

  @Override
  public InputStream get(String key, long offset, long length) throws IOException {
    String objectKey = objectKey(key);
    if (length == 0) {
      if (stat(key).isEmpty()) {
        throw new ObjectNotFoundException(key);
      }
      return InputStream.nullInputStream();
    }
    String range =
        offset == 0 && length < 0
            ? null
            : "bytes=" + offset + "-" + (length < 0 ? "" : offset + length - 1);
    try {
      return client.getObject(b -> b.bucket(location.container()).key(objectKey).range(range));
    } catch (NoSuchKeyException e) {
      throw new ObjectNotFoundException(key);
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        return InputStream.nullInputStream(); // the object exists; the range starts at its end
      }
      throw failure("GetObject", key, e);
    } catch (SdkException e) {
      throw failure("GetObject", key, e);
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    return head(key).map(h -> new ObjectInfo(key, h.contentLength()));
  }

  @Override
  public Optional<java.time.Instant> lastModified(String key) throws IOException {
    return head(key).map(HeadObjectResponse::lastModified);
  }

  private Optional<HeadObjectResponse> head(String key) throws IOException {
    String objectKey = objectKey(key);
    try {
      return Optional.of(client.headObject(b -> b.bucket(location.container()).key(objectKey)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("HeadObject", key, e);
    } catch (SdkException e) {
      throw failure("HeadObject", key, e);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> result = new ArrayList<>();
    try {
      for (S3Object object :
          client
              .listObjectsV2Paginator(
                  b -> b.bucket(location.container()).prefix(location.listPrefix(prefix)))
              .contents()) {
        result.add(new ObjectInfo(location.repositoryKey(object.key()), object.size()));
      }
    } catch (SdkException e) {
      throw failure("ListObjectsV2", prefix, e);
    }
    // S3 sorts by UTF-8 bytes; the contract sorts like String.compareTo
    result.sort((a, b) -> a.key().compareTo(b.key()));
    return result;
  }

  @Override
  public void delete(String key) throws IOException {
    String objectKey = objectKey(key);
    try {
      client.deleteObject(b -> b.bucket(location.container()).key(objectKey));
    } catch (SdkException e) {
      throw failure("DeleteObject", key, e);
    }
  }

  @Override
  public String location() {
    return location.toString();
  }

  /** One local directory per storage for spooled segments, removed with what is left on close. */
  @Override
  public Path scratchDirectory() throws IOException {
    return scratch.get();
  }

  @Override
  public void close() throws IOException {
    client.close();
    scratch.delete();
  }

  private IOException failure(String operation, String key, SdkException e) {
    return S3Failures.of(operation, location.url(key), endpoint, e);
  }

  private String objectKey(String key) {
    return location.objectKey(key);
  }

  private PutObjectRequest.Builder putRequest(String key) {
    return PutObjectRequest.builder()
        .bucket(location.container())
        .key(objectKey(key))
        .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
        .storageClass(storageClass(key));
  }

  /** Data objects may go to a cheaper class; manifests and the rest stay in the default. */
  private StorageClass storageClass(String key) {
    return key.startsWith("data/") ? dataStorageClass : null;
  }

  private static void pause(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while retrying a conditional write");
    }
  }
}

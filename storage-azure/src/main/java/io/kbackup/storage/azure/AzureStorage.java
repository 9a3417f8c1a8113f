package io.kbackup.storage.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.ObjectNotFoundException;
import io.kbackup.storage.ObjectStoreLocation;
import io.kbackup.storage.ScratchDirectory;
import io.kbackup.storage.Storage;
import io.kbackup.storage.StoredBytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Storage in an Azure Blob Storage container, under a key prefix, as block blobs. Files above the
 * block size go up as staged blocks committed in one list, so a blob appears whole or not at all;
 * put-if-absent is a conditional write ({@code If-None-Match: *}). Transient failures are retried
 * by the SDK with exponential backoff; what is left surfaces as an {@link IOException} naming the
 * blob, the status and the Azure error code.
 */
public final class AzureStorage implements Storage {

  private final BlobContainerClient container;
  private final ObjectStoreLocation location;
  private final String endpoint;
  private final long blockSize;
  private final ScratchDirectory scratch = new ScratchDirectory("kbackup-azure-");

  AzureStorage(
      BlobContainerClient container,
      ObjectStoreLocation location,
      String endpoint,
      long blockSize) {
    this.container = container;
    this.location = location;
    this.endpoint = endpoint;
    this.blockSize = blockSize;
  }

  /** Starts configuring storage at {@code azure://container/prefix}. */
  public static AzureStorageBuilder builder(String url) {
    return new AzureStorageBuilder(AzureStorageBuilder.parse(url));
  }

  @Override
  public void put(String key, Path file) throws IOException {
    BlobClient blob = blob(key);
    try {
      blob.uploadFromFileWithResponse(uploadOptions(file), null, Context.NONE);
    } catch (RuntimeException e) {
      throw failure("Put Blob", key, e);
    }
  }

  /** Uploads in blocks of the block size, two at a time, above it; as one Put Blob below. */
  private BlobUploadFromFileOptions uploadOptions(Path file) {
    ParallelTransferOptions transfer =
        new ParallelTransferOptions()
            .setBlockSizeLong(blockSize)
            .setMaxSingleUploadSizeLong(blockSize)
            .setMaxConcurrency(2);
    return new BlobUploadFromFileOptions(file.toString()).setParallelTransferOptions(transfer);
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    BlobClient blob = blob(key);
    try {
      blob.getBlockBlobClient()
          .uploadWithResponse(
              new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(bytes)), null, Context.NONE);
    } catch (RuntimeException e) {
      throw failure("Put Blob", key, e);
    }
  }

  @Override
  public boolean putIfAbsent(String key, byte[] bytes) throws IOException {
    BlobClient blob = blob(key);
    BlockBlobSimpleUploadOptions options =
        new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(bytes))
            .setRequestConditions(ifAbsent());
    return putConditionally(
        key,
        attempts ->
            blob.getBlockBlobClient()
                .uploadWithResponse(options, null, AttemptCounter.counting(attempts)),
        () -> StoredBytes.equal(this, key, bytes));
  }

  /**
   * Above the block size the blocks are staged unconditionally; the condition goes on the Put Block
   * List that commits them, so the blob appears whole, and only if there was none.
   */
  @Override
  public boolean putIfAbsent(String key, Path file) throws IOException {
    BlobClient blob = blob(key);
    BlobUploadFromFileOptions options = uploadOptions(file).setRequestConditions(ifAbsent());
    return putConditionally(
        key,
        attempts ->
            blob.uploadFromFileWithResponse(options, null, AttemptCounter.counting(attempts)),
        () -> StoredBytes.equal(this, key, file));
  }

  private static BlobRequestConditions ifAbsent() {
    return new BlobRequestConditions().setIfNoneMatch("*");
  }

  /** A conditional write whose tries are counted. */
  private interface ConditionalWrite {
    void send(AtomicInteger attempts);
  }

  /** Whether the blob there holds the bytes the write sent. */
  private interface Ours {
    boolean check() throws IOException;
  }

  private boolean putConditionally(String key, ConditionalWrite write, Ours ours)
      throws IOException {
    AtomicInteger attempts = new AtomicInteger();
    try {
      write.send(attempts);
      return true;
    } catch (BlobStorageException e) {
      if (BlobErrorCode.BLOB_ALREADY_EXISTS.equals(e.getErrorCode())
          || BlobErrorCode.CONDITION_NOT_MET.equals(e.getErrorCode())) {
        // after a retry the blob may be our own first attempt, stored but not acknowledged
        return attempts.get() > 1 && ours.check();
      }
      throw failure("conditional Put Blob", key, e);
    } catch (RuntimeException e) {
      throw failure("conditional Put Blob", key, e);
    }
  }

  @Override
  public InputStream get(String key, long offset, long length) throws IOException {
    BlobClient blob = blob(key);
    Optional<BlobProperties> properties = properties(key, blob);
    if (properties.isEmpty()) {
      throw new ObjectNotFoundException(key);
    }
    long size = properties.get().getBlobSize();
    long end = length < 0 ? size : Math.min(size, offset + length);
    if (offset >= end) {
      return InputStream.nullInputStream();
    }
    try {
      // read block by block, each block fetched when the reader reaches it; the ETag pins the
      // version read so that a blob replaced meanwhile fails rather than mixes two versions
      return blob.openInputStream(
          new BlobInputStreamOptions()
              .setRange(new BlobRange(offset, end - offset))
              .setBlockSize(4 << 20)
              .setRequestConditions(
                  new BlobRequestConditions().setIfMatch(properties.get().getETag())));
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 404 && !isContainerMissing(e)) {
        throw new ObjectNotFoundException(key);
      }
      throw failure("Get Blob", key, e);
    } catch (RuntimeException e) {
      throw failure("Get Blob", key, e);
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    return properties(key, blob(key)).map(p -> new ObjectInfo(key, p.getBlobSize()));
  }

  @Override
  public Optional<Instant> lastModified(String key) throws IOException {
    return properties(key, blob(key)).map(p -> p.getLastModified().toInstant());
  }

  private Optional<BlobProperties> properties(String key, BlobClient blob) throws IOException {
    try {
      return Optional.of(blob.getProperties());
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 404 && !isContainerMissing(e)) {
        return Optional.empty();
      }
      throw failure("Get Blob Properties", key, e);
    } catch (RuntimeException e) {
      throw failure("Get Blob Properties", key, e);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> result = new ArrayList<>();
    ListBlobsOptions options =
        new ListBlobsOptions().setPrefix(location.listPrefix(prefix)).setMaxResultsPerPage(5000);
    try {
      for (BlobItem item : container.listBlobs(options, null)) {
        result.add(
            new ObjectInfo(
                location.repositoryKey(item.getName()), item.getProperties().getContentLength()));
      }
    } catch (RuntimeException e) {
      throw failure("List Blobs", prefix, e);
    }
    // the contract sorts like String.compareTo
    result.sort((a, b) -> a.key().compareTo(b.key()));
    return result;
  }

  @Override
  public void delete(String key) throws IOException {
    BlobClient blob = blob(key);
    try {
      blob.delete();
    } catch (BlobStorageException e) {
      if (e.getStatusCode() != 404 || isContainerMissing(e)) {
        throw failure("Delete Blob", key, e);
      }
    } catch (RuntimeException e) {
      throw failure("Delete Blob", key, e);
    }
  }

  @Override
  public String location() {
    return location.toString();
  }

  @Override
  public Path scratchDirectory() throws IOException {
    return scratch.get();
  }

  @Override
  public void close() throws IOException {
    scratch.delete();
  }

  private BlobClient blob(String key) {
    return container.getBlobClient(location.objectKey(key));
  }

  private static boolean isContainerMissing(BlobStorageException e) {
    return BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode());
  }

  private IOException failure(String operation, String key, RuntimeException e) {
    return AzureFailures.of(operation, location.url(key), endpoint, e);
  }
}

package io.kbackup.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a repository keeps its objects. Shaped like an object store on purpose: whole objects are
 * written once, read whole or by range, listed by prefix and deleted. There is no append and no
 * rename, so every backend (file system, S3, Azure Blob) can honour the same contract.
 *
 * <p>Keys are relative paths with {@code /} separators, such as {@code snapshots/ID.json}.
 */
public interface Storage extends Closeable {

  /**
   * Writes the object from a local file, replacing any object of that key. A file placed in {@link
   * #scratchDirectory()} may be moved rather than copied; the caller deletes the file afterwards if
   * it still exists.
   */
  void put(String key, Path file) throws IOException;

  /** A local directory for files about to be put. */
  default Path scratchDirectory() throws IOException {
    return java.nio.file.Files.createTempDirectory("kbackup-");
  }

  /** Writes the object from bytes, replacing any object of that key. */
  void put(String key, byte[] bytes) throws IOException;

  /**
   * Writes the object only if no object of that key exists. This is how commit points are made.
   *
   * @return false when the object already existed; nothing was written then
   */
  boolean putIfAbsent(String key, byte[] bytes) throws IOException;

  /**
   * Writes the object from a local file only if no object of that key exists, as one atomic step:
   * of two writers, exactly one wins, and an existing object is never replaced. The file is
   * streamed, never held in memory, so it may be as large as a segment. A file placed in {@link
   * #scratchDirectory()} may be taken rather than copied; the caller deletes the file afterwards if
   * it still exists.
   *
   * @return false when the object already existed; nothing was written then
   */
  boolean putIfAbsent(String key, Path file) throws IOException;

  /**
   * Reads {@code length} bytes from {@code offset} (the rest of the object when length is
   * negative).
   *
   * @throws ObjectNotFoundException when the object does not exist
   */
  InputStream get(String key, long offset, long length) throws IOException;

  /** Reads the whole object. */
  default InputStream get(String key) throws IOException {
    return get(key, 0, -1);
  }

  /** Reads the whole object into memory; for small objects such as manifests. */
  default byte[] readAll(String key) throws IOException {
    try (InputStream in = get(key)) {
      return in.readAllBytes();
    }
  }

  /** Size and name of the object, or empty when it does not exist. */
  Optional<ObjectInfo> stat(String key) throws IOException;

  /**
   * When the object was last written, or empty when it does not exist or the backend cannot tell.
   * Prune uses it to leave young objects alone.
   */
  default Optional<java.time.Instant> lastModified(String key) throws IOException {
    return Optional.empty();
  }

  /** Every object whose key starts with {@code prefix}, sorted by key. */
  List<ObjectInfo> list(String prefix) throws IOException;

  /** Deletes the object; deleting a missing object is not an error. */
  void delete(String key) throws IOException;

  /** A human-readable location, such as the directory or bucket URL. */
  String location();

  @Override
  default void close() throws IOException {}
}

package io.kbackup.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Whether a stored object holds exactly given bytes. An object store that answers a retried
 * conditional write with "already exists" may be showing the write's own first attempt, stored but
 * not acknowledged; only the bytes tell.
 */
public final class StoredBytes {

  private static final int BUFFER = 1 << 16;

  private StoredBytes() {}

  /** Whether the object exists and holds exactly these bytes. */
  public static boolean equal(Storage storage, String key, byte[] bytes) throws IOException {
    Optional<ObjectInfo> info = storage.stat(key);
    if (info.isEmpty() || info.get().size() != bytes.length) {
      return false;
    }
    // the listed size may be stale: never read more than the bytes compared
    try (InputStream stored = storage.get(key)) {
      return Arrays.equals(stored.readNBytes(bytes.length + 1), bytes);
    }
  }

  /** Whether the object exists and holds exactly the file's bytes; both are streamed. */
  public static boolean equal(Storage storage, String key, Path file) throws IOException {
    Optional<ObjectInfo> info = storage.stat(key);
    if (info.isEmpty() || info.get().size() != Files.size(file)) {
      return false;
    }
    try (InputStream stored = storage.get(key);
        InputStream local = Files.newInputStream(file)) {
      byte[] a = new byte[BUFFER];
      byte[] b = new byte[BUFFER];
      while (true) {
        int n = stored.readNBytes(a, 0, BUFFER);
        int m = local.readNBytes(b, 0, BUFFER);
        if (n != m || !Arrays.equals(a, 0, n, b, 0, m)) {
          return false;
        }
        if (n < BUFFER) {
          return true;
        }
      }
    }
  }
}

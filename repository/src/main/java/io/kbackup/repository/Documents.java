package io.kbackup.repository;

import io.kbackup.error.CorruptDataException;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads the JSON documents of a repository (config, manifests, locks, key slots, progress, restore
 * states, drill results) with a bound per kind: a damaged or forged object is refused by its size
 * before it is read, and never read into memory whole.
 */
public final class Documents {

  private Documents() {}

  /**
   * The document's bytes, at most {@code maxBytes}; a larger document is damage.
   *
   * @param what the kind of document, for the message ("a lock")
   */
  public static byte[] read(Storage storage, String key, int maxBytes, String what)
      throws IOException {
    Optional<ObjectInfo> info = storage.stat(key);
    if (info.isPresent() && info.get().size() > maxBytes) {
      throw tooLarge(key, maxBytes, what);
    }
    byte[] document;
    try (InputStream in = storage.get(key)) {
      document = in.readNBytes(maxBytes + 1);
    }
    if (document.length > maxBytes) {
      throw tooLarge(key, maxBytes, what);
    }
    return document;
  }

  /** The document parsed, read as {@link #read} does. */
  public static <T> T read(Storage storage, String key, int maxBytes, String what, Class<T> type)
      throws IOException {
    return Json.read(read(storage, key, maxBytes, what), type, key);
  }

  private static CorruptDataException tooLarge(String key, int maxBytes, String what) {
    String bound = maxBytes >= 1 << 20 ? (maxBytes >> 20) + " MiB" : (maxBytes >> 10) + " KiB";
    return new CorruptDataException(
        key + ": larger than " + bound + ", the most " + what + " may be");
  }
}

package io.kbackup.verify;

import io.kbackup.error.CorruptDataException;
import io.kbackup.repository.Documents;
import io.kbackup.repository.Json;
import io.kbackup.storage.ObjectNotFoundException;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each data object was last read and found sound by a level-2 verification, kept in the
 * repository as {@code verify/state.json} so that a partial verification reads the stalest data
 * first. It is a hint, not part of any snapshot: a missing or unreadable state counts as empty.
 */
final class VerifyState {

  static final String KEY = "verify/state.json";

  /** Some 150 bytes per data object: room for two million segments. */
  static final int MAX_BYTES = 256 << 20;

  private static final Logger log = LoggerFactory.getLogger(VerifyState.class);

  /** The stored document. */
  record Document(Map<String, String> objects) {}

  private final Map<String, Instant> lastVerified;

  private VerifyState(Map<String, Instant> lastVerified) {
    this.lastVerified = lastVerified;
  }

  static VerifyState load(Storage storage) throws IOException {
    Map<String, Instant> times = new TreeMap<>();
    try {
      Document doc =
          Documents.read(storage, KEY, MAX_BYTES, "a verification state", Document.class);
      if (doc.objects() != null) {
        doc.objects().forEach((k, v) -> times.put(k, Instant.parse(v)));
      }
    } catch (ObjectNotFoundException e) {
      // never verified
    } catch (CorruptDataException | IOException | DateTimeParseException | NullPointerException e) {
      log.warn("{} is damaged and is rebuilt by this run: {}", KEY, e.getMessage());
      times.clear();
    }
    return new VerifyState(times);
  }

  Map<String, Instant> lastVerified() {
    return lastVerified;
  }

  void verified(String key, Instant when) {
    lastVerified.put(key, when);
  }

  /** Forgets objects that no snapshot needs any more. */
  void retainOnly(Set<String> keys) {
    lastVerified.keySet().retainAll(keys);
  }

  void save(Storage storage) throws IOException {
    Map<String, String> objects = new TreeMap<>();
    lastVerified.forEach((k, v) -> objects.put(k, v.toString()));
    storage.put(KEY, Json.write(new Document(objects)));
  }
}

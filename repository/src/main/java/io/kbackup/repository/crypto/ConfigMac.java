package io.kbackup.repository.crypto;

import io.kbackup.error.CorruptDataException;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates an encrypted repository's {@code config.json} under its master key. The config must
 * stay plain (it is read before the key is known), so its SHA-256 digest guards against damage
 * only: anyone could edit it and write a new digest. Its HMAC, which only a holder of the master
 * key can compute, shows that it is the config the repository was created with.
 */
public final class ConfigMac {

  public static final String KEY = "config.json.mac";

  /** What the MAC key is derived for: another use of the master key gets another key. */
  static final String PURPOSE = "kbackup config.json MAC key";

  private static final Logger log = LoggerFactory.getLogger(ConfigMac.class);

  private ConfigMac() {}

  /** The stored form: the HMAC-SHA256 of the config's bytes, in hex, and a newline. */
  static byte[] line(byte[] masterKey, byte[] config) {
    String hex = HexFormat.of().formatHex(hmac(hmac(masterKey, bytes(PURPOSE)), config));
    return bytes(hex + "\n");
  }

  /** Writes the MAC of a new repository's config. */
  public static void write(Storage storage, byte[] masterKey, byte[] config) throws IOException {
    storage.put(KEY, line(masterKey, config));
  }

  /**
   * Checks the config against its MAC; a repository created before configs had one gets it now,
   * when the storage may be written to.
   */
  public static void check(Storage storage, byte[] masterKey, byte[] config) throws IOException {
    byte[] expected = line(masterKey, config);
    Optional<byte[]> stored = read(storage, expected.length);
    if (stored.isEmpty()) {
      try {
        storage.putIfAbsent(KEY, expected);
      } catch (IOException | RuntimeException e) {
        log.info("could not add {} (read-only storage?): {}", KEY, e.toString());
      }
      return;
    }
    if (!MessageDigest.isEqual(stored.get(), expected)) {
      throw new CorruptDataException(
          "config.json of "
              + storage.location()
              + " does not match its MAC under the master key: it was changed after the"
              + " repository was created");
    }
  }

  /** The stored MAC; one of another size is read as nothing more than wrong. */
  private static Optional<byte[]> read(Storage storage, int size) throws IOException {
    Optional<ObjectInfo> info = storage.stat(KEY);
    if (info.isEmpty()) {
      return Optional.empty();
    }
    if (info.get().size() != size) {
      return Optional.of(new byte[0]);
    }
    // the size listed may be stale: never read more than a MAC takes
    try (InputStream in = storage.get(KEY)) {
      return Optional.of(in.readNBytes(size + 1));
    }
  }

  private static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

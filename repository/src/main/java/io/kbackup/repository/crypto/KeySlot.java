package io.kbackup.repository.crypto;

import io.kbackup.error.Untrusted;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * One way into an encrypted repository: the master key, wrapped (AES-256-GCM) by a key derived from
 * a passphrase with Argon2id. A repository has one slot per passphrase, so passphrases can be added
 * and removed without touching the data.
 *
 * @param memoryKiB Argon2id memory cost
 * @param salt Base64 of the 16-byte Argon2id salt
 * @param nonce Base64 of the 12-byte AES-GCM nonce
 * @param wrappedKey Base64 of the master key sealed with the derived key (with its tag)
 */
public record KeySlot(
    String id,
    String createdAt,
    String kdf,
    int memoryKiB,
    int iterations,
    int parallelism,
    String salt,
    String nonce,
    String wrappedKey) {

  /** Argon2id at the cost OWASP recommends first: 46 MiB, one pass. */
  static final int MEMORY_KIB = 46 * 1024;

  static final int ITERATIONS = 1;
  static final String ARGON2ID = "argon2id";

  /**
   * The costs a slot may ask for, far above what kbackup writes: a forged slot must not run a
   * reader out of memory (at most 256 MiB) or keep it busy for hours.
   */
  static final int MAX_MEMORY_KIB = 256 * 1024;

  static final int MAX_ITERATIONS = 10;
  static final int MAX_PARALLELISM = 16;

  /** Argon2 needs 8 KiB of memory per lane. */
  static final int MIN_MEMORY_KIB_PER_LANE = 8;

  private static final SecureRandom RANDOM = new SecureRandom();

  static KeySlot create(byte[] masterKey, String passphrase, String repositoryId) {
    byte[] salt = random(16);
    byte[] nonce = random(12);
    String id = UUID.randomUUID().toString().substring(0, 8);
    byte[] kek = derive(passphrase, salt, MEMORY_KIB, ITERATIONS, 1);
    byte[] wrapped = crypt(Cipher.ENCRYPT_MODE, kek, nonce, aad(repositoryId, id), masterKey);
    Base64.Encoder b64 = Base64.getEncoder();
    return new KeySlot(
        id,
        Instant.now().toString(),
        ARGON2ID,
        MEMORY_KIB,
        ITERATIONS,
        1,
        b64.encodeToString(salt),
        b64.encodeToString(nonce),
        b64.encodeToString(wrapped));
  }

  /**
   * Why this slot, read from {@code keys/<name>.json}, cannot be used; null when it can. Checked
   * before any work is spent on it.
   */
  String problem(String name) {
    if (!ARGON2ID.equals(kdf)) {
      return "unknown key derivation " + Untrusted.text(kdf);
    }
    if (!name.equals(id)) {
      return "its id " + Untrusted.text(id) + " differs from its name";
    }
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      return "Argon2 parallelism " + parallelism + " is outside 1 to " + MAX_PARALLELISM;
    }
    if (memoryKiB < MIN_MEMORY_KIB_PER_LANE * parallelism || memoryKiB > MAX_MEMORY_KIB) {
      return "Argon2 memory "
          + memoryKiB
          + " KiB is outside "
          + MIN_MEMORY_KIB_PER_LANE * parallelism
          + " to "
          + MAX_MEMORY_KIB;
    }
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      return "Argon2 iterations " + iterations + " are outside 1 to " + MAX_ITERATIONS;
    }
    if (decodedLength(salt) != 16
        || decodedLength(nonce) != 12
        || decodedLength(wrappedKey) != 48) {
      return "its salt, nonce or wrapped key has the wrong length";
    }
    return null;
  }

  private static int decodedLength(String base64) {
    try {
      return base64 == null ? -1 : Base64.getDecoder().decode(base64).length;
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  /** The master key, when the passphrase opens this slot; the slot must have no problem. */
  Optional<byte[]> unwrap(String passphrase, String repositoryId) {
    if (!ARGON2ID.equals(kdf)) {
      return Optional.empty();
    }
    Base64.Decoder b64 = Base64.getDecoder();
    byte[] kek = derive(passphrase, b64.decode(salt), memoryKiB, iterations, parallelism);
    try {
      return Optional.of(
          crypt(
              Cipher.DECRYPT_MODE,
              kek,
              b64.decode(nonce),
              aad(repositoryId, id),
              b64.decode(wrappedKey)));
    } catch (WrongKey e) {
      return Optional.empty();
    }
  }

  private static byte[] derive(
      String passphrase, byte[] salt, int memoryKiB, int iterations, int parallelism) {
    Argon2BytesGenerator argon2 = new Argon2BytesGenerator();
    argon2.init(
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withSalt(salt)
            .withMemoryAsKB(memoryKiB)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .build());
    byte[] key = new byte[32];
    argon2.generateBytes(passphrase.getBytes(StandardCharsets.UTF_8), key);
    return key;
  }

  private static byte[] aad(String repositoryId, String slotId) {
    return ("kbackup key slot\n" + repositoryId + "\n" + slotId).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] crypt(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] data) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(aad);
      return c.doFinal(data);
    } catch (AEADBadTagException e) {
      throw new WrongKey();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static final class WrongKey extends RuntimeException {
    WrongKey() {
      super(null, null, false, false);
    }
  }
}

package io.kbackup.repository.crypto;

import io.kbackup.error.CorruptDataException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM over the chunks of one object. Each chunk is sealed on its own, with a nonce made of
 * the object's random prefix and the chunk's index, and with the repository id, the object's key,
 * the chunk's index and whether it is the last bound as associated data: a chunk cannot be moved
 * within an object, to another object or repository, and an object cannot be cut short unseen.
 */
final class ChunkCipher {

  static final int CHUNK_BYTES = 64 << 10;
  static final int TAG_BYTES = 16;
  static final int PREFIX_BYTES = 8;
  static final byte[] MAGIC = {'K', 'B', 'E', '1'};
  static final int HEADER_BYTES = MAGIC.length + PREFIX_BYTES;

  private final SecretKeySpec key;
  private final String repositoryId;

  ChunkCipher(byte[] masterKey, String repositoryId) {
    this.key = new SecretKeySpec(masterKey, "AES");
    this.repositoryId = repositoryId;
  }

  byte[] seal(String objectKey, byte[] prefix, long index, boolean last, byte[] plain, int length) {
    try {
      Cipher c = cipher(Cipher.ENCRYPT_MODE, objectKey, prefix, index, last);
      return c.doFinal(plain, 0, length);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  byte[] open(
      String objectKey, byte[] prefix, long index, boolean last, byte[] sealed, int length) {
    try {
      Cipher c = cipher(Cipher.DECRYPT_MODE, objectKey, prefix, index, last);
      return c.doFinal(sealed, 0, length);
    } catch (AEADBadTagException e) {
      throw new CorruptDataException(
          objectKey
              + ": chunk "
              + index
              + " does not decrypt: the object is damaged, cut short, or not this repository's");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  private Cipher cipher(int mode, String objectKey, byte[] prefix, long index, boolean last)
      throws GeneralSecurityException {
    if (index > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(objectKey + " is too large to encrypt");
    }
    byte[] nonce = ByteBuffer.allocate(12).put(prefix).putInt((int) index).array();
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
    c.updateAAD(
        (repositoryId + "\n" + objectKey + "\n" + index + "\n" + (last ? "last" : "more"))
            .getBytes(StandardCharsets.UTF_8));
    return c;
  }

  /** Stored size of an object of {@code plain} bytes. */
  static long sealedSize(long plain) {
    long chunks = chunks(plain);
    return HEADER_BYTES + plain + chunks * TAG_BYTES;
  }

  /** Chunks of an object of {@code plain} bytes: an empty object still has one. */
  static long chunks(long plain) {
    return plain == 0 ? 1 : (plain + CHUNK_BYTES - 1) / CHUNK_BYTES;
  }

  /** Plain size of a stored object of {@code sealed} bytes, or -1 when no object has that size. */
  static long plainSize(long sealed) {
    long body = sealed - HEADER_BYTES;
    if (body < TAG_BYTES) {
      return -1;
    }
    long full = body / (CHUNK_BYTES + TAG_BYTES);
    long rest = body % (CHUNK_BYTES + TAG_BYTES);
    if (rest == 0) {
      return full * CHUNK_BYTES;
    }
    if (rest < TAG_BYTES || (rest == TAG_BYTES && full > 0)) {
      return -1;
    }
    return full * CHUNK_BYTES + rest - TAG_BYTES;
  }
}

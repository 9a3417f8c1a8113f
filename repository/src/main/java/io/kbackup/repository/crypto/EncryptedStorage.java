package io.kbackup.repository.crypto;

import io.kbackup.error.CorruptDataException;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.ObjectNotFoundException;
import io.kbackup.storage.Storage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A storage whose objects are encrypted with the repository's master key, over another storage.
 * Every object is sealed chunk by chunk ({@link ChunkCipher}), so a ranged read decrypts only the
 * chunks it needs. The repository's config, its digest, the key slots and the locks stay plain:
 * they are read before the key is known, or by commands that need no key.
 */
public final class EncryptedStorage implements Storage {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Storage plain;
  private final ChunkCipher cipher;

  public EncryptedStorage(Storage plain, byte[] masterKey, String repositoryId) {
    this.plain = plain;
    this.cipher = new ChunkCipher(masterKey, repositoryId);
  }

  /** Objects kept unencrypted. */
  static boolean isPlain(String key) {
    return key.equals("config.json")
        || key.equals("config.json.sha256")
        || key.equals(ConfigMac.KEY)
        || key.startsWith(KeySlots.PREFIX)
        || key.startsWith("locks/");
  }

  @Override
  public void put(String key, Path file) throws IOException {
    if (isPlain(key)) {
      plain.put(key, file);
      return;
    }
    Path sealed = sealed(key, file);
    try {
      plain.put(key, sealed);
    } finally {
      Files.deleteIfExists(sealed);
    }
  }

  @Override
  public boolean putIfAbsent(String key, Path file) throws IOException {
    if (isPlain(key)) {
      return plain.putIfAbsent(key, file);
    }
    Path sealed = sealed(key, file);
    try {
      return plain.putIfAbsent(key, sealed);
    } finally {
      Files.deleteIfExists(sealed);
    }
  }

  /** The file encrypted chunk by chunk into the scratch directory, never whole in memory. */
  private Path sealed(String key, Path file) throws IOException {
    Path sealed = Files.createTempFile(plain.scratchDirectory(), "sealed-", ".tmp");
    try (InputStream in = Files.newInputStream(file);
        OutputStream out = Files.newOutputStream(sealed)) {
      seal(key, in, Files.size(file), out);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(sealed);
      throw e;
    }
    return sealed;
  }

  @Override
  public Path scratchDirectory() throws IOException {
    return plain.scratchDirectory();
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    plain.put(key, isPlain(key) ? bytes : seal(key, bytes));
  }

  @Override
  public boolean putIfAbsent(String key, byte[] bytes) throws IOException {
    return plain.putIfAbsent(key, isPlain(key) ? bytes : seal(key, bytes));
  }

  @Override
  public InputStream get(String key, long offset, long length) throws IOException {
    if (isPlain(key)) {
      return plain.get(key, offset, length);
    }
    long sealedSize = plain.stat(key).orElseThrow(() -> new ObjectNotFoundException(key)).size();
    long size = ChunkCipher.plainSize(sealedSize);
    if (size < 0) {
      throw new CorruptDataException(
          key + ": " + sealedSize + " bytes is not the size of a whole encrypted object");
    }
    long from = Math.min(offset, size);
    long to = length < 0 ? size : Math.min(size, from + length);
    byte[] header;
    try (InputStream in = plain.get(key, 0, ChunkCipher.HEADER_BYTES)) {
      header = in.readNBytes(ChunkCipher.HEADER_BYTES);
    }
    if (header.length != ChunkCipher.HEADER_BYTES
        || !Arrays.equals(Arrays.copyOf(header, ChunkCipher.MAGIC.length), ChunkCipher.MAGIC)) {
      throw new CorruptDataException(key + ": not an encrypted kbackup object");
    }
    byte[] prefix = Arrays.copyOfRange(header, ChunkCipher.MAGIC.length, header.length);
    long firstChunk = from / ChunkCipher.CHUNK_BYTES;
    long lastChunk = to == 0 ? 0 : (to - 1) / ChunkCipher.CHUNK_BYTES;
    long sealedChunk = ChunkCipher.CHUNK_BYTES + ChunkCipher.TAG_BYTES;
    long start = ChunkCipher.HEADER_BYTES + firstChunk * sealedChunk;
    long span = Math.min(sealedSize - start, (lastChunk - firstChunk + 1) * sealedChunk);
    InputStream body = plain.get(key, start, span);
    return new DecryptingInputStream(
        body,
        cipher,
        key,
        prefix,
        size,
        firstChunk,
        from - firstChunk * ChunkCipher.CHUNK_BYTES,
        to - from);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    return plain.stat(key).map(o -> isPlain(key) ? o : new ObjectInfo(key, plainSize(o)));
  }

  @Override
  public Optional<Instant> lastModified(String key) throws IOException {
    return plain.lastModified(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return plain.list(prefix).stream()
        .map(o -> isPlain(o.key()) ? o : new ObjectInfo(o.key(), plainSize(o)))
        .toList();
  }

  @Override
  public void delete(String key) throws IOException {
    plain.delete(key);
  }

  @Override
  public String location() {
    return plain.location();
  }

  @Override
  public void close() throws IOException {
    plain.close();
  }

  private static long plainSize(ObjectInfo sealed) {
    return ChunkCipher.plainSize(sealed.size());
  }

  private byte[] seal(String key, byte[] bytes) throws IOException {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream((int) ChunkCipher.sealedSize(bytes.length));
    seal(key, new ByteArrayInputStream(bytes), bytes.length, out);
    return out.toByteArray();
  }

  private void seal(String key, InputStream in, long size, OutputStream out) throws IOException {
    byte[] prefix = new byte[ChunkCipher.PREFIX_BYTES];
    RANDOM.nextBytes(prefix);
    out.write(ChunkCipher.MAGIC);
    out.write(prefix);
    long chunks = ChunkCipher.chunks(size);
    byte[] buffer = new byte[ChunkCipher.CHUNK_BYTES];
    for (long i = 0; i < chunks; i++) {
      int n = in.readNBytes(buffer, 0, buffer.length);
      boolean last = i == chunks - 1;
      if (!last && n != buffer.length) {
        throw new IOException(key + ": the file changed while it was encrypted");
      }
      out.write(cipher.seal(key, prefix, i, last, buffer, n));
    }
  }
}

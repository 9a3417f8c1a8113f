package io.kbackup.repository.crypto;

import io.kbackup.error.CorruptDataException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The plain bytes of a range of an encrypted object, read from a stream of its sealed chunks, one
 * chunk at a time: each chunk is authenticated before any of its bytes is returned.
 */
final class DecryptingInputStream extends InputStream {

  private final InputStream sealed;
  private final ChunkCipher cipher;
  private final String objectKey;
  private final byte[] prefix;
  private final long lastChunk;
  private final long plainSize;
  private long nextChunk;
  private long skip;
  private long remaining;
  private byte[] chunk = new byte[0];
  private int position;
  private CorruptDataException failure;

  DecryptingInputStream(
      InputStream sealed,
      ChunkCipher cipher,
      String objectKey,
      byte[] prefix,
      long plainSize,
      long firstChunk,
      long skip,
      long length) {
    this.sealed = sealed;
    this.cipher = cipher;
    this.objectKey = objectKey;
    this.prefix = prefix;
    this.plainSize = plainSize;
    this.lastChunk = ChunkCipher.chunks(plainSize) - 1;
    this.nextChunk = firstChunk;
    this.skip = skip;
    this.remaining = length;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (remaining <= 0) {
      return -1;
    }
    while (position >= chunk.length) {
      if (!nextChunk()) {
        return -1;
      }
    }
    int n = (int) Math.min(Math.min(len, chunk.length - position), remaining);
    System.arraycopy(chunk, position, b, off, n);
    position += n;
    remaining -= n;
    return n;
  }

  private boolean nextChunk() throws IOException {
    if (failure != null) {
      throw failure; // nothing after a chunk that does not decrypt can be trusted
    }
    try {
      return readChunk();
    } catch (CorruptDataException e) {
      failure = e;
      throw e;
    }
  }

  private boolean readChunk() throws IOException {
    if (nextChunk > lastChunk) {
      return false;
    }
    boolean last = nextChunk == lastChunk;
    long plainLength =
        last ? plainSize - lastChunk * ChunkCipher.CHUNK_BYTES : ChunkCipher.CHUNK_BYTES;
    int sealedLength = (int) plainLength + ChunkCipher.TAG_BYTES;
    byte[] sealedChunk = sealed.readNBytes(sealedLength);
    if (sealedChunk.length != sealedLength) {
      throw new CorruptDataException(objectKey + ": ends inside chunk " + nextChunk);
    }
    chunk = cipher.open(objectKey, prefix, nextChunk, last, sealedChunk, sealedLength);
    nextChunk++;
    position = (int) Math.min(skip, chunk.length);
    skip -= position;
    return true;
  }

  @Override
  public void close() throws IOException {
    sealed.close();
  }
}

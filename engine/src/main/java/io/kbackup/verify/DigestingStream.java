package io.kbackup.verify;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Passes an object's bytes through while computing their SHA-256 and counting them. */
final class DigestingStream extends FilterInputStream {

  private final MessageDigest sha256 = newSha256();
  private long count;

  DigestingStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      sha256.update((byte) b);
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      sha256.update(b, off, n);
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    return transferTo(OutputStream.nullOutputStream(), n);
  }

  private long transferTo(OutputStream out, long max) throws IOException {
    byte[] buffer = new byte[8192];
    long done = 0;
    while (done < max) {
      int n = read(buffer, 0, (int) Math.min(buffer.length, max - done));
      if (n < 0) {
        break;
      }
      done += n;
    }
    return done;
  }

  /** Reads what is left, so that the digest covers the whole object. */
  void drain() throws IOException {
    transferTo(OutputStream.nullOutputStream(), Long.MAX_VALUE);
  }

  long count() {
    return count;
  }

  String hexDigest() {
    return HexFormat.of().formatHex(sha256.digest());
  }

  static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(newSha256().digest(bytes));
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java has no SHA-256", e);
    }
  }
}

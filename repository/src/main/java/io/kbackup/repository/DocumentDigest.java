package io.kbackup.repository;

import io.kbackup.error.CorruptDataException;
import io.kbackup.storage.ObjectNotFoundException;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The SHA-256 of a repository document ({@code config.json}, a manifest), kept beside it as {@code
 * KEY.sha256} in the format {@code sha256sum} writes, so that damage to any byte of the document is
 * found, and damage to any byte of the digest object too: its digest and the name it gives must
 * both be the document's. Documents of repositories written before digests were kept have none and
 * are taken as they are.
 */
final class DocumentDigest {

  static final String SUFFIX = ".sha256";
  private static final Pattern LINE = Pattern.compile("([0-9a-f]{64})  (\\S+)\\n?");

  /** More than any line kbackup writes; a longer digest object is not read into memory whole. */
  private static final int MAX_BYTES = 4096;

  private DocumentDigest() {}

  /** The digest object's content for a document: {@code HEX NAME} and a newline. */
  static byte[] line(String key, byte[] document) {
    return (hex(document) + "  " + name(key) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The name a digest line gives for a document: the last element of its key. */
  private static String name(String key) {
    return key.substring(key.lastIndexOf('/') + 1);
  }

  /** Whether the document's digest object holds exactly {@code line}. */
  static boolean isStored(Storage storage, String key, byte[] line) throws IOException {
    try (InputStream in = storage.get(key + SUFFIX)) {
      return Arrays.equals(in.readNBytes(MAX_BYTES + 1), line);
    } catch (ObjectNotFoundException e) {
      return false;
    }
  }

  /** Checks a document against its digest object, if it has one. */
  static void check(Storage storage, String key, byte[] document) throws IOException {
    byte[] stored;
    try (InputStream in = storage.get(key + SUFFIX)) {
      stored = in.readNBytes(MAX_BYTES + 1);
    } catch (ObjectNotFoundException e) {
      return;
    }
    var m = LINE.matcher(new String(stored, StandardCharsets.UTF_8));
    String actual = hex(document);
    if (stored.length > MAX_BYTES || !m.matches()) {
      throw new CorruptDataException(
          key + ": SHA-256 is " + actual + ", " + key + SUFFIX + " is not a SHA-256 line");
    }
    if (!m.group(1).equals(actual)) {
      throw new CorruptDataException(
          key + ": SHA-256 is " + actual + ", " + key + SUFFIX + " says " + m.group(1));
    }
    if (!m.group(2).equals(name(key))) {
      // the name read is not printed: it is damaged bytes, possibly control characters
      throw new CorruptDataException(
          key
              + ": "
              + key
              + SUFFIX
              + " names another file, not "
              + name(key)
              + ": the digest object is damaged");
    }
  }

  private static String hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java has no SHA-256", e);
    }
  }
}

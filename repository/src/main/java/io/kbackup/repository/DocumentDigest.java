package io.kbackup.repository;

import io.kbackup.error.CorruptDataException;
import io.kbackup.storage.ObjectNotFoundException;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The SHA-256 of a repository document ({@code config.json}, a manifest), kept beside it as {@code
 * KEY.sha256} in the format {@code sha256sum} writes, so that damage to any byte of the document is
 * found. Documents of repositories written before digests were kept have none and are taken as they
 * are.
 */
final class DocumentDigest {

  static final String SUFFIX = ".sha256";
  private static final Pattern LINE = Pattern.compile("([0-9a-f]{64})  \\S+\\n?");

  private DocumentDigest() {}

  /** The digest object's content for a document: {@code HEX NAME} and a newline. */
  static byte[] line(String key, byte[] document) {
    String name = key.substring(key.lastIndexOf('/') + 1);
    return (hex(document) + "  " + name + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Checks a document against its digest object, if it has one. */
  static void check(Storage storage, String key, byte[] document) throws IOException {
    byte[] stored;
    try {
      stored = storage.readAll(key + SUFFIX);
    } catch (ObjectNotFoundException e) {
      return;
    }
    var m = LINE.matcher(new String(stored, StandardCharsets.UTF_8));
    String actual = hex(document);
    if (!m.matches()) {
      throw new CorruptDataException(
          key + ": SHA-256 is " + actual + ", " + key + SUFFIX + " is not a SHA-256 line");
    }
    if (!m.group(1).equals(actual)) {
      throw new CorruptDataException(
          key + ": SHA-256 is " + actual + ", " + key + SUFFIX + " says " + m.group(1));
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

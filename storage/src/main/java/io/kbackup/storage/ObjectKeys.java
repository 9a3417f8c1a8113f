package io.kbackup.storage;

/**
 * The rule every backend applies to object keys, so that a repository is valid on all of them:
 * relative paths with {@code /} separators, without empty, {@code .} or {@code ..} segments and
 * without backslashes or control characters.
 */
public final class ObjectKeys {

  private ObjectKeys() {}

  /**
   * Returns the key when it is valid.
   *
   * @throws IllegalArgumentException when it is not
   */
  public static String check(String key) {
    if (!isValid(key)) {
      throw new IllegalArgumentException("invalid object key: " + key);
    }
    return key;
  }

  /** Whether the key is valid; false for null, for keys read from storage that may be forged. */
  public static boolean isValid(String key) {
    if (key == null) {
      return false;
    }
    if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return false; // a control character is no name any backend keeps as written
    }
    for (String part : key.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..") || part.contains("\\")) {
        return false;
      }
    }
    return true;
  }
}

package io.kbackup.storage;

/**
 * The rule every backend applies to object keys, so that a repository is valid on all of them:
 * relative paths with {@code /} separators, without empty, {@code .} or {@code ..} segments and
 * without backslashes.
 */
public final class ObjectKeys {

  private ObjectKeys() {}

  /**
   * Returns the key when it is valid.
   *
   * @throws IllegalArgumentException when it is not
   */
  public static String check(String key) {
    for (String part : key.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..") || part.contains("\\")) {
        throw new IllegalArgumentException("invalid object key: " + key);
      }
    }
    return key;
  }
}

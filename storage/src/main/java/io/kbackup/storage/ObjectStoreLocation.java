package io.kbackup.storage;

import java.util.regex.Pattern;

/**
 * A bucket (S3) or container (Azure Blob) and a key prefix, parsed from {@code
 * scheme://container/prefix}; maps repository keys to the store's keys and back.
 */
public record ObjectStoreLocation(String scheme, String container, String prefix) {

  /**
   * Parses {@code scheme://container} or {@code scheme://container/some/prefix}.
   *
   * @param what how the container is called in messages, such as "S3 bucket name"
   * @param rule the valid names, described after the colon of the message
   * @throws IllegalArgumentException when it is not such a URL
   */
  public static ObjectStoreLocation parse(
      String url, String scheme, Pattern names, String what, String rule) {
    String start = scheme + "://";
    if (!url.startsWith(start)) {
      throw new IllegalArgumentException("not a " + start + " URL: " + url);
    }
    String rest = url.substring(start.length());
    int slash = rest.indexOf('/');
    String container = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    if (!names.matcher(container).matches()) {
      throw new IllegalArgumentException(
          "invalid " + what + " '" + container + "' in " + url + ": " + rule);
    }
    if (!prefix.isEmpty()) {
      ObjectKeys.check(prefix);
    }
    return new ObjectStoreLocation(scheme, container, prefix);
  }

  /** The store's key of a repository object; the repository key is checked first. */
  public String objectKey(String key) {
    ObjectKeys.check(key);
    return prefix.isEmpty() ? key : prefix + "/" + key;
  }

  /** The repository key of a store key under the prefix. */
  public String repositoryKey(String objectKey) {
    return prefix.isEmpty() ? objectKey : objectKey.substring(prefix.length() + 1);
  }

  /** Where listings under the prefix start. */
  public String listPrefix(String keyPrefix) {
    return prefix.isEmpty() ? keyPrefix : prefix + "/" + keyPrefix;
  }

  /** The URL of one object, for messages. */
  public String url(String key) {
    return scheme + "://" + container + "/" + (prefix.isEmpty() ? key : prefix + "/" + key);
  }

  @Override
  public String toString() {
    return scheme + "://" + container + (prefix.isEmpty() ? "" : "/" + prefix);
  }
}

package io.kbackup.storage.s3;

import io.kbackup.storage.ObjectKeys;
import java.util.regex.Pattern;

/** A bucket and a key prefix, parsed from {@code s3://bucket/prefix}. */
record S3Location(String bucket, String prefix) {

  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /**
   * Parses {@code s3://bucket} or {@code s3://bucket/some/prefix}.
   *
   * @throws IllegalArgumentException when it is not such a URL
   */
  static S3Location parse(String url) {
    if (!url.startsWith("s3://")) {
      throw new IllegalArgumentException("not an s3:// URL: " + url);
    }
    String rest = url.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    if (!BUCKET.matcher(bucket).matches()) {
      throw new IllegalArgumentException(
          "invalid S3 bucket name '"
              + bucket
              + "' in "
              + url
              + ": 3 to 63 characters of a-z, 0-9, '.' and '-'");
    }
    if (!prefix.isEmpty()) {
      ObjectKeys.check(prefix);
    }
    return new S3Location(bucket, prefix);
  }

  /** The S3 key of a repository object. */
  String objectKey(String key) {
    return prefix.isEmpty() ? key : prefix + "/" + key;
  }

  /** The repository key of an S3 key under the prefix. */
  String repositoryKey(String objectKey) {
    return prefix.isEmpty() ? objectKey : objectKey.substring(prefix.length() + 1);
  }

  /** Where listings under the prefix start. */
  String listPrefix(String keyPrefix) {
    return prefix.isEmpty() ? keyPrefix : prefix + "/" + keyPrefix;
  }

  String url(String key) {
    return "s3://" + bucket + "/" + objectKey(key);
  }

  @Override
  public String toString() {
    return prefix.isEmpty() ? "s3://" + bucket : "s3://" + bucket + "/" + prefix;
  }
}

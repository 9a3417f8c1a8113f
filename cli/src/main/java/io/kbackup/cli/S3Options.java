package io.kbackup.cli;

import io.kbackup.error.KbackupException;
import io.kbackup.storage.Storage;
import io.kbackup.storage.s3.S3Storage;
import io.kbackup.storage.s3.S3StorageBuilder;
import picocli.CommandLine.Option;

/**
 * Options of a repository on S3 or an S3-compatible store ({@code --repo s3://bucket/prefix}).
 * Credentials are not options: they come from the AWS SDK's default chain (environment variables,
 * system properties, the AWS profile, a container or instance role), so they never show in a
 * command line or a process list.
 */
final class S3Options {

  @Option(
      names = "--s3-endpoint",
      paramLabel = "URL",
      description = "S3-compatible server for s3:// repositories, such as http://127.0.0.1:9000.")
  String endpoint;

  @Option(
      names = "--s3-region",
      paramLabel = "REGION",
      description =
          "Region of the bucket (default: AWS_REGION or the AWS profile's, else us-east-1).")
  String region;

  @Option(
      names = "--s3-path-style",
      description = "Name the bucket in the URL path, as most S3-compatible servers need.")
  boolean pathStyle;

  @Option(
      names = "--s3-storage-class",
      paramLabel = "CLASS",
      description = "Storage class of new data objects, such as STANDARD_IA or GLACIER_IR.")
  String storageClass;

  Storage open(String url) {
    try {
      S3StorageBuilder builder = S3Storage.builder(url).pathStyle(pathStyle);
      if (endpoint != null) {
        builder.endpoint(endpoint);
      }
      if (region != null) {
        builder.region(region);
      }
      if (storageClass != null) {
        builder.dataStorageClass(storageClass);
      }
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw KbackupException.usage(e.getMessage(), "see the S3 options in `kbackup help backup`");
    }
  }
}

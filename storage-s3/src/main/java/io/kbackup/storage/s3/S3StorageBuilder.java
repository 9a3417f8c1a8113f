package io.kbackup.storage.s3;

import io.kbackup.storage.HttpEndpoint;
import io.kbackup.storage.ObjectStoreLocation;
import java.net.URI;
import java.util.Arrays;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * Options of an {@link S3Storage}. Without them it talks to Amazon S3 with the SDK's default region
 * and credential chains (environment, system properties, profile, container or instance role).
 */
public final class S3StorageBuilder {

  /** Part size of multipart uploads; files up to this size go up in one request. */
  static final long DEFAULT_PART_SIZE = 16L << 20;

  private final ObjectStoreLocation location;
  private URI endpoint;
  private String region;
  private boolean pathStyle;
  private StorageClass dataStorageClass;
  private AwsCredentialsProvider credentials;
  private int maxAttempts = 5;

  S3StorageBuilder(ObjectStoreLocation location) {
    this.location = location;
  }

  /** An S3-compatible server, such as {@code http://127.0.0.1:9000}; default: Amazon S3. */
  public S3StorageBuilder endpoint(String url) {
    this.endpoint = HttpEndpoint.parse(url, "S3", "http://HOST[:PORT] or https://HOST[:PORT]");
    return this;
  }

  /** The bucket's region; default: AWS_REGION, aws.region or the AWS profile's, else us-east-1. */
  public S3StorageBuilder region(String region) {
    this.region = region;
    return this;
  }

  /**
   * Addresses the bucket in the path rather than the host name, as most S3-compatible servers need.
   */
  public S3StorageBuilder pathStyle(boolean pathStyle) {
    this.pathStyle = pathStyle;
    return this;
  }

  /** The storage class of objects under {@code data/}, such as {@code STANDARD_IA}. */
  public S3StorageBuilder dataStorageClass(String name) {
    StorageClass parsed = StorageClass.fromValue(name);
    if (parsed == StorageClass.UNKNOWN_TO_SDK_VERSION) {
      throw new IllegalArgumentException(
          "unknown S3 storage class "
              + name
              + "; known: "
              + Arrays.stream(StorageClass.values())
                  .filter(c -> c != StorageClass.UNKNOWN_TO_SDK_VERSION)
                  .map(StorageClass::toString)
                  .collect(Collectors.joining(", ")));
    }
    this.dataStorageClass = parsed;
    return this;
  }

  /** Credentials other than the SDK's default chain. */
  public S3StorageBuilder credentials(AwsCredentialsProvider credentials) {
    this.credentials = credentials;
    return this;
  }

  /** Attempts per request, the first included, before a failure is reported. */
  public S3StorageBuilder maxAttempts(int maxAttempts) {
    this.maxAttempts = maxAttempts;
    return this;
  }

  public S3Storage build() {
    S3ClientBuilder builder =
        S3Client.builder()
            .region(resolveRegion())
            .credentialsProvider(
                credentials != null ? credentials : DefaultCredentialsProvider.builder().build())
            .forcePathStyle(pathStyle)
            .httpClientBuilder(ApacheHttpClient.builder())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_SUPPORTED)
            .overrideConfiguration(
                o ->
                    o.retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder()
                            .maxAttempts(maxAttempts)
                            .build()));
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    } else if (region == null) {
      builder.crossRegionAccessEnabled(true); // find the bucket's region on Amazon S3
    }
    String server = endpoint != null ? endpoint.toString() : "Amazon S3";
    return new S3Storage(builder.build(), location, server, dataStorageClass, DEFAULT_PART_SIZE);
  }

  private Region resolveRegion() {
    if (region != null) {
      return Region.of(region);
    }
    try {
      // not the instance metadata service: off EC2 it only adds a timeout
      return new AwsRegionProviderChain(
              new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
          .getRegion();
    } catch (SdkClientException e) {
      return Region.US_EAST_1;
    }
  }
}

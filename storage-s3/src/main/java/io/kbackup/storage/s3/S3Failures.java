package io.kbackup.storage.s3;

import io.kbackup.storage.StorageFailures;
import java.io.IOException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns what the AWS SDK throws, once its retries are spent, into an {@link IOException} whose
 * message names the operation, the object, the HTTP status and the S3 error code, and says what to
 * check. Messages never contain credentials: the SDK's messages do not, and none are added.
 */
final class S3Failures {

  private S3Failures() {}

  static IOException of(String operation, String url, String endpoint, SdkException e) {
    if (e instanceof S3Exception s3) {
      return new IOException(describe(operation, url, s3), e);
    }
    String reason =
        e instanceof SdkClientException ? StorageFailures.innermostMessage(e) : e.getMessage();
    return new IOException(
        "S3 "
            + operation
            + " of "
            + url
            + " failed: "
            + reason
            + "; is "
            + endpoint
            + " reachable?",
        e);
  }

  private static String describe(String operation, String url, S3Exception e) {
    String code = errorCode(e);
    String detail =
        e.awsErrorDetails() != null
                && e.awsErrorDetails().errorMessage() != null
                && !e.awsErrorDetails().errorMessage().equals(code)
            ? ": " + e.awsErrorDetails().errorMessage()
            : "";
    String failed =
        "S3 " + operation + " of " + url + " failed: HTTP " + e.statusCode() + " " + code + detail;
    return switch (code) {
      case "NoSuchBucket" -> failed + "; create the bucket or check --repo";
      case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden" ->
          failed
              + "; check the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the"
              + " AWS profile) and the bucket's policy";
      case "InvalidObjectState" ->
          failed + "; the object is in an archive storage class: restore it in S3 first";
      default -> failed;
    };
  }

  /** The S3 error code, or for answers without a body (HEAD) the status's reason. */
  static String errorCode(S3Exception e) {
    if (e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null) {
      return e.awsErrorDetails().errorCode();
    }
    return switch (e.statusCode()) {
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      default -> "(no error code)";
    };
  }
}

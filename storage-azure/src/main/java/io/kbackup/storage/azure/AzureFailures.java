package io.kbackup.storage.azure;

import com.azure.storage.blob.models.BlobStorageException;
import io.kbackup.storage.StorageFailures;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what the Azure SDK throws, once its retries are spent, into an {@link IOException} whose
 * message names the operation, the blob, the HTTP status and the Azure error code, and says what to
 * check. Only the status, the error code and the first line of the service's message are taken: the
 * SDK's own messages may carry request URLs, and with them a SAS token.
 */
final class AzureFailures {

  private static final Pattern MESSAGE = Pattern.compile("<Message>([^<\\r\\n]*)");

  private AzureFailures() {}

  static IOException of(String operation, String url, String endpoint, RuntimeException e) {
    if (e instanceof BlobStorageException blob) {
      return new IOException(describe(operation, url, blob), e);
    }
    return new IOException(
        "Azure "
            + operation
            + " of "
            + url
            + " failed: "
            + StorageFailures.innermostMessage(e)
            + "; is "
            + endpoint
            + " reachable?",
        e);
  }

  private static String describe(String operation, String url, BlobStorageException e) {
    String code = errorCode(e);
    String failed =
        "Azure "
            + operation
            + " of "
            + url
            + " failed: HTTP "
            + e.getStatusCode()
            + " "
            + code
            + detail(e);
    return switch (code) {
      case "ContainerNotFound" -> failed + "; create the container or check --repo";
      case "AuthenticationFailed",
          "AuthorizationFailure",
          "AuthorizationPermissionMismatch",
          "InvalidAuthenticationInfo",
          "Forbidden" ->
          failed
              + "; check the credentials (AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT"
              + " with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN) and their permissions";
      default -> failed;
    };
  }

  /** The Azure error code, or for answers without one the status's reason. */
  static String errorCode(BlobStorageException e) {
    if (e.getErrorCode() != null) {
      return e.getErrorCode().toString();
    }
    return switch (e.getStatusCode()) {
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      default -> "(no error code)";
    };
  }

  private static String detail(BlobStorageException e) {
    Matcher m = MESSAGE.matcher(String.valueOf(e.getMessage()));
    return m.find() && !m.group(1).isBlank() ? ": " + m.group(1).trim() : "";
  }
}

package io.kbackup.storage;

/** Helpers for the messages of object-store backends. */
public final class StorageFailures {

  private StorageFailures() {}

  /**
   * The innermost message of a failure: SDKs wrap socket errors in a layer or two of their own,
   * while the socket's own words ("Connection refused") are what an operator needs.
   */
  public static String innermostMessage(Throwable e) {
    String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null) {
        reason = cause.getMessage();
      }
    }
    return reason;
  }
}

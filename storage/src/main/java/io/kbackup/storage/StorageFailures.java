package io.kbackup.storage;

import java.net.ConnectException;

/** Helpers for the messages of object-store backends. */
public final class StorageFailures {

  private StorageFailures() {}

  /**
   * The innermost message of a failure: SDKs wrap socket errors in a layer or two of their own,
   * while the socket's own words ("Connection refused") are what an operator needs. Messages that
   * only repeat the cause's name are skipped; a connection failure without words (as the JDK's HTTP
   * client throws) reads "could not connect".
   */
  public static String innermostMessage(Throwable e) {
    String reason = e.getClass().getSimpleName();
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null && !message.equals(String.valueOf(t.getCause()))) {
        reason = message;
      } else if (message == null && t instanceof ConnectException) {
        reason = "could not connect";
      }
    }
    return reason;
  }
}

package io.kbackup.error;

/**
 * A condition of the user's world (bad input, missing repository, unreachable cluster, corruption)
 * that a command reports as one line with a hint and a documented exit code.
 */
public class KbackupException extends RuntimeException {

  private final int exitCode;
  private final String hint;

  public KbackupException(int exitCode, String message, String hint) {
    this(exitCode, message, hint, null);
  }

  public KbackupException(int exitCode, String message, String hint, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
    this.hint = hint;
  }

  public int exitCode() {
    return exitCode;
  }

  /** What the user can do about it, or null. */
  public String hint() {
    return hint;
  }

  public static KbackupException usage(String message, String hint) {
    return new KbackupException(ExitCode.USAGE, message, hint);
  }

  public static KbackupException failed(String message, String hint, Throwable cause) {
    return new KbackupException(ExitCode.FAILED, message, hint, cause);
  }
}

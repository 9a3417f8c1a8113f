package io.kbackup.error;

/** The documented exit codes of every kbackup command. */
public final class ExitCode {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int PARTIAL = 3;
  public static final int REPOSITORY_MISSING = 10;
  public static final int REPOSITORY_LOCKED = 11;
  public static final int WRONG_KEY = 12;
  public static final int INTEGRITY = 13;
  public static final int INTERRUPTED = 130;

  private ExitCode() {}
}

package io.kbackup.error;

/** Stored data does not match its checksum or structure. Names the object and where. */
public class CorruptDataException extends KbackupException {

  public CorruptDataException(String message) {
    this(
        message,
        "the repository is damaged here; use another snapshot or a copy of the repository");
  }

  /** The same, for an object the user can remove or replace: the hint says how. */
  public CorruptDataException(String message, String hint) {
    super(ExitCode.INTEGRITY, message, hint);
  }
}

package io.kbackup.error;

/** Stored data does not match its checksum or structure. Names the object and where. */
public class CorruptDataException extends KbackupException {

  public CorruptDataException(String message) {
    super(
        ExitCode.INTEGRITY,
        message,
        "the repository is damaged here; use another snapshot or a copy of the repository");
  }
}

package io.kbackup.doctor;

/** The command whose Kafka permissions are checked. */
public enum Purpose {
  BACKUP,
  RESTORE
}

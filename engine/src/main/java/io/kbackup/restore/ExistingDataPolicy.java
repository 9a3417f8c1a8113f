package io.kbackup.restore;

/** What a restore does with a target partition that already holds records. */
public enum ExistingDataPolicy {
  /** Refuse to restore (the default): the target is probably not the one meant. */
  FAIL,
  /** Restore after the records already there. */
  APPEND
}

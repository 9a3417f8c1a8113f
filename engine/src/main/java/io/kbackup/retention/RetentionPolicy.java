package io.kbackup.retention;

import io.kbackup.error.KbackupException;

/**
 * Which snapshots {@code forget} keeps. Each count keeps the newest snapshot of that many distinct
 * calendar periods (UTC; weeks are ISO weeks), counting back from the newest snapshot; {@code
 * within} keeps every snapshot taken within that span of the newest. The newest snapshot is always
 * kept.
 *
 * @param within null for none
 */
public record RetentionPolicy(
    int last, int hourly, int daily, int weekly, int monthly, int yearly, CalendarSpan within) {

  public RetentionPolicy {
    for (int n : new int[] {last, hourly, daily, weekly, monthly, yearly}) {
      if (n < 0) {
        throw KbackupException.usage(
            "a --keep count must not be negative", "for example --keep-daily 7");
      }
    }
  }

  /** Whether the policy keeps anything beyond the newest snapshot. */
  public boolean isEmpty() {
    return last + hourly + daily + weekly + monthly + yearly == 0 && within == null;
  }
}

package io.kbackup.verify;

import io.kbackup.error.KbackupException;

/**
 * What to verify and how deeply.
 *
 * @param snapshot a snapshot id, {@code latest}, or null for every snapshot
 * @param level 1 (objects present with their recorded sizes, manifests sound) or 2 (also every byte
 *     read and checked)
 * @param subset at level 2, the part of the data objects to read; null for all
 */
public record VerifyOptions(String snapshot, int level, DataSubset subset) {

  public VerifyOptions {
    if (level != 1 && level != 2) {
      throw KbackupException.usage(
          "--level must be 1, 2 or 3, not " + level,
          "level 1 checks that objects exist with their sizes, level 2 reads and checks every"
              + " byte, level 3 also restores into scratch topics and compares every record");
    }
    if (subset != null && level != 2) {
      throw KbackupException.usage(
          "--read-data-subset needs --level 2", "add --level 2, or leave --read-data-subset out");
    }
  }
}

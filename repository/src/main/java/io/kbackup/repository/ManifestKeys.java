package io.kbackup.repository;

import io.kbackup.error.CorruptDataException;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.storage.ObjectKeys;

/**
 * Checks, when a manifest is read, that every object key it lists is one the repository format
 * allows, so that a damaged or forged key ({@code data/../../tmp/x.seg}) is damage of that
 * snapshot, found before any command hands it to the storage, which would refuse it as a bug.
 */
final class ManifestKeys {

  private ManifestKeys() {}

  static void check(String manifestKey, SnapshotManifest manifest) {
    for (TopicSnapshot t : manifest.topics()) {
      if (t == null || t.partitions() == null) {
        continue; // the manifest's other checks refuse it
      }
      for (PartitionSnapshot p : t.partitions()) {
        if (p == null || p.segments() == null) {
          continue;
        }
        String where = manifestKey + " (" + t.name() + "-" + p.partition() + ")";
        for (SegmentInfo s : p.segments()) {
          if (s != null) {
            check(where, "a segment without a valid key", s.key());
            check(where, "a segment without a valid index key", s.indexKey());
          }
        }
      }
    }
    for (IncludedFile f : manifest.files()) {
      if (f != null) {
        check(manifestKey, "an included file without a valid key", f.key());
      }
    }
  }

  private static void check(String where, String what, String key) {
    if (!ObjectKeys.isValid(key)) {
      throw new CorruptDataException(where + ": lists " + what + ": " + printable(key));
    }
  }

  /** The key quoted, with any character that is not printable ASCII escaped: it is stored bytes. */
  static String printable(String key) {
    if (key == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : key.toCharArray()) {
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}

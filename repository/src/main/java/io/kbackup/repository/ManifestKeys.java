package io.kbackup.repository;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.Untrusted;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.storage.ObjectKeys;

/**
 * Checks, when a manifest is read, that every object key it lists is one the repository format
 * allows, so that a damaged or forged key ({@code data/../../tmp/x.seg}) is damage of that
 * snapshot, found before any command hands it to the storage, which would refuse it as a bug; and
 * that every topic name is one Kafka allows, so that no name carries a newline or a terminal escape
 * into a message, a key or a request to Kafka.
 */
final class ManifestKeys {

  private ManifestKeys() {}

  static void check(String manifestKey, SnapshotManifest manifest) {
    for (TopicSnapshot t : manifest.topics()) {
      if (t == null || t.partitions() == null) {
        continue; // the manifest's other checks refuse it
      }
      if (!DocumentRules.isTopicName(t.name())) {
        throw new CorruptDataException(
            manifestKey
                + ": lists a topic whose name Kafka does not allow: "
                + Untrusted.quote(t.name()));
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
      throw new CorruptDataException(where + ": lists " + what + ": " + Untrusted.quote(key));
    }
  }
}

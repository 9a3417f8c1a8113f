package io.kbackup.repository;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.error.Untrusted;
import io.kbackup.segment.Codec;
import io.kbackup.segment.RecordBatch;
import java.util.List;

/**
 * Checks a {@code config.json} just read before any of its fields is used: a format and version
 * this kbackup reads, features it knows, and segment settings a writer can work with. The values
 * shown in messages are stored bytes and are quoted as such.
 */
final class ConfigCheck {

  private ConfigCheck() {}

  static void check(String location, RepositoryConfig config) {
    String key = Repository.CONFIG_KEY + " of " + location;
    if (!RepositoryConfig.FORMAT.equals(config.format())) {
      throw new KbackupException(
          ExitCode.REPOSITORY_MISSING,
          location
              + " is not a kbackup repository (format "
              + Untrusted.text(config.format())
              + ")",
          "check --repo");
    }
    if (config.version() < 1) {
      throw new CorruptDataException(key + " has no valid format version");
    }
    if (config.version() > RepositoryConfig.VERSION) {
      throw new KbackupException(
          ExitCode.FAILED,
          "the repository has format version "
              + config.version()
              + ", this kbackup reads up to "
              + RepositoryConfig.VERSION,
          "use a newer kbackup");
    }
    List<String> unknown =
        config.features().stream()
            .filter(f -> !RepositoryConfig.KNOWN_FEATURES.contains(f))
            .map(Untrusted::text)
            .toList();
    if (!unknown.isEmpty()) {
      throw new KbackupException(
          ExitCode.FAILED,
          "the repository needs features this kbackup does not know: " + String.join(", ", unknown),
          "use a newer kbackup");
    }
    if (config.compression() == null) {
      throw new CorruptDataException(key + " names no compression");
    }
    Codec codec;
    try {
      codec = config.segmentSettings().codec();
    } catch (IllegalArgumentException e) {
      throw new KbackupException(
          ExitCode.FAILED,
          "the repository uses compression "
              + Untrusted.text(config.compression())
              + ", unknown to this kbackup",
          "use a newer kbackup");
    }
    // backups write with these: a forged size must not make a writer claim gigabytes
    if (!codec.acceptsLevel(config.compressionLevel())
        || config.batchBytes() < 1
        || config.batchBytes() > RecordBatch.MAX_RECORDS_BYTES
        || config.segmentBytes() < 1) {
      throw new CorruptDataException(
          key
              + " has impossible segment settings (compression level "
              + config.compressionLevel()
              + ", batch "
              + config.batchBytes()
              + " bytes, segment "
              + config.segmentBytes()
              + " bytes)");
    }
  }
}

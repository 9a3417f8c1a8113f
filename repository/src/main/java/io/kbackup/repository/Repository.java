package io.kbackup.repository;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.error.Untrusted;
import io.kbackup.repository.crypto.ConfigMac;
import io.kbackup.repository.crypto.EncryptedStorage;
import io.kbackup.repository.crypto.KeySlots;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A kbackup repository on some {@link Storage}: its config, its snapshots and the records of
 * restores. Opening checks that the storage holds a repository of a format this version reads.
 */
public final class Repository implements AutoCloseable {

  public static final String CONFIG_KEY = "config.json";
  public static final String SNAPSHOTS_PREFIX = "snapshots/";
  public static final String DATA_PREFIX = "data/";
  public static final String RESTORES_PREFIX = "restores/";
  public static final String FILES_PREFIX = "files/";

  /**
   * The largest manifest read: some 20 times the size of one listing 100,000 partitions with a few
   * segments each, so that a damaged or forged object is never read into memory whole.
   */
  public static final int MAX_MANIFEST_BYTES = 256 << 20;

  /** The largest config read: it takes some 300 bytes. */
  static final int MAX_CONFIG_BYTES = 64 << 10;

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final Storage storage;
  private final RepositoryConfig config;
  private final KeySlots.Opened keys;
  private final boolean passphraseUnused;

  private Repository(Storage storage, RepositoryConfig config) {
    this(storage, config, null, false);
  }

  private Repository(
      Storage storage, RepositoryConfig config, KeySlots.Opened keys, boolean passphraseUnused) {
    this.storage = storage;
    this.config = config;
    this.keys = keys;
    this.passphraseUnused = passphraseUnused;
  }

  /** Creates a new repository; refuses when the storage already holds one. */
  public static Repository init(Storage storage, SegmentSettings settings) throws IOException {
    return init(storage, settings, null);
  }

  /**
   * Creates a new repository, encrypted when a passphrase is given: a random master key, wrapped in
   * a first key slot for the passphrase, encrypts every object but the config, slots and locks.
   */
  public static Repository init(Storage storage, SegmentSettings settings, String passphrase)
      throws IOException {
    List<String> features = new ArrayList<>(RepositoryConfig.featuresOf(settings));
    if (passphrase != null) {
      features.add(RepositoryConfig.ENCRYPTION);
    }
    RepositoryConfig config =
        new RepositoryConfig(
            RepositoryConfig.FORMAT,
            RepositoryConfig.VERSION,
            UUID.randomUUID().toString(),
            Instant.now().toString(),
            features,
            settings.codec().name().toLowerCase(java.util.Locale.ROOT),
            settings.level(),
            settings.batchBytes(),
            settings.segmentBytes());
    byte[] document = Json.write(config);
    if (!storage.putIfAbsent(CONFIG_KEY, document)) {
      throw KbackupException.usage(
          "a repository already exists at " + storage.location(),
          "use it as it is, or choose another location");
    }
    storage.put(CONFIG_KEY + DocumentDigest.SUFFIX, DocumentDigest.line(CONFIG_KEY, document));
    if (passphrase == null) {
      return new Repository(storage, config);
    }
    ConfigMac.write(storage, KeySlots.create(storage, passphrase, config.id()), document);
    return open(storage, () -> passphrase);
  }

  /** Opens an existing repository that is not encrypted. */
  public static Repository open(Storage storage) throws IOException {
    return open(storage, null);
  }

  /**
   * Opens an existing repository; an encrypted one asks {@code passphrase} (which may be null, or
   * return null, when none was given).
   */
  public static Repository open(Storage storage, Supplier<String> passphrase) throws IOException {
    return open(storage, passphrase, false);
  }

  /**
   * The same, told whether the user gave a passphrase (without asking {@code passphrase}, which may
   * run a command): one given for a repository that is not encrypted is not used, and commands that
   * write refuse to ({@link #refuseUnencryptedWrites}).
   */
  public static Repository open(
      Storage storage, Supplier<String> passphrase, boolean passphraseGiven) throws IOException {
    if (storage.stat(CONFIG_KEY).isEmpty()) {
      throw new KbackupException(
          ExitCode.REPOSITORY_MISSING,
          "no kbackup repository at " + storage.location(),
          "check --repo, or create one with `kbackup init --repo " + storage.location() + "`");
    }
    byte[] document = Documents.read(storage, CONFIG_KEY, MAX_CONFIG_BYTES, "a config");
    DocumentDigest.check(storage, CONFIG_KEY, document);
    RepositoryConfig config = Json.read(document, RepositoryConfig.class, CONFIG_KEY);
    ConfigCheck.check(storage.location(), config);
    if (!config.features().contains(RepositoryConfig.ENCRYPTION)) {
      if (KeySlots.anyExist(storage)) {
        throw new io.kbackup.error.CorruptDataException(
            storage.location()
                + " has key slots under "
                + KeySlots.PREFIX
                + " but its config.json does not list the feature encryption: the config was"
                + " damaged or tampered with, and nothing is read or written unencrypted");
      }
      return new Repository(storage, config, null, passphraseGiven);
    }
    String secret = passphrase == null ? null : passphrase.get();
    if (secret == null) {
      throw new KbackupException(
          ExitCode.WRONG_KEY,
          storage.location() + " is encrypted and no passphrase was given",
          "set KBACKUP_PASSWORD, KBACKUP_PASSWORD_FILE or KBACKUP_PASSWORD_COMMAND, or use"
              + " --password-file");
    }
    KeySlots.Opened opened = KeySlots.open(storage, secret, config.id());
    ConfigMac.check(storage, opened.masterKey(), document);
    return new Repository(
        new EncryptedStorage(storage, opened.masterKey(), config.id()), config, opened, false);
  }

  /** Whether objects are encrypted. */
  public boolean encrypted() {
    return keys != null;
  }

  /** What the user should know of the repository's state, such as key slots that were skipped. */
  public List<String> warnings() {
    if (passphraseUnused) {
      return List.of(storage.location() + " is not encrypted: the passphrase given is not used");
    }
    return keys == null ? List.of() : keys.skipped();
  }

  /**
   * Refuses to go on when a passphrase was given for a repository that is not encrypted: it was
   * created so, or its config was changed to say so, and writing would store in the clear what the
   * user means to be encrypted. Commands that write call this before they write anything.
   */
  public void refuseUnencryptedWrites() {
    if (passphraseUnused) {
      throw KbackupException.usage(
          storage.location()
              + " is not encrypted, but a passphrase was given: nothing is written unencrypted",
          "if the repository was created without --encrypt, give no passphrase; if it was"
              + " encrypted, its config.json was changed: put back the original from a copy");
    }
  }

  /** The master key and the slot that opened it; only for an encrypted repository. */
  public KeySlots.Opened keys() {
    if (keys == null) {
      throw KbackupException.usage(
          storage.location() + " is not encrypted",
          "key slots exist only in encrypted repositories");
    }
    return keys;
  }

  public Storage storage() {
    return storage;
  }

  public RepositoryConfig config() {
    return config;
  }

  public static String newSnapshotId(Instant now) {
    return ID_TIME.format(now) + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  /** The order of snapshots: by creation time, then id. */
  static final Comparator<SnapshotManifest> OLDEST_FIRST =
      Comparator.comparing(SnapshotManifest::created).thenComparing(SnapshotManifest::id);

  /** Every committed snapshot, oldest first. Reads every manifest. */
  public List<SnapshotManifest> snapshots() throws IOException {
    List<SnapshotManifest> result = new ArrayList<>();
    for (ObjectInfo info : storage.list(SNAPSHOTS_PREFIX)) {
      if (info.key().endsWith(".json")) {
        result.add(readManifest(info.key()));
      }
    }
    result.sort(OLDEST_FIRST);
    return result;
  }

  /** The committed snapshots, newest first, each read only when the caller gets to it. */
  public SnapshotHistory history() throws IOException {
    List<String> ids = new ArrayList<>();
    for (ObjectInfo info : storage.list(SNAPSHOTS_PREFIX)) {
      String key = info.key();
      if (key.endsWith(".json")) {
        ids.add(key.substring(SNAPSHOTS_PREFIX.length(), key.length() - ".json".length()));
      }
    }
    return new SnapshotHistory(this, ids);
  }

  /** The newest snapshot; reads the manifests of its second only. */
  public Optional<SnapshotManifest> latestSnapshot() throws IOException {
    return Optional.ofNullable(history().get(0));
  }

  /** The snapshot of that id, or the newest one for {@code latest}. */
  public SnapshotManifest snapshot(String idOrLatest) throws IOException {
    if (idOrLatest == null || idOrLatest.equals("latest")) {
      return latestSnapshot()
          .orElseThrow(
              () ->
                  KbackupException.usage(
                      "the repository has no snapshot yet", "run `kbackup backup` first"));
    }
    String key = snapshotKey(idOrLatest);
    if (storage.stat(key).isEmpty()) {
      throw KbackupException.usage(
          "no snapshot " + idOrLatest + " in " + storage.location(),
          "list them with `kbackup snapshots`");
    }
    return readManifest(key);
  }

  /** The manifest of a snapshot known to exist. */
  SnapshotManifest manifest(String id) throws IOException {
    return readManifest(snapshotKey(id));
  }

  private SnapshotManifest readManifest(String key) throws IOException {
    byte[] document = Documents.read(storage, key, MAX_MANIFEST_BYTES, "a manifest");
    DocumentDigest.check(storage, key, document);
    SnapshotManifest manifest = Json.read(document, SnapshotManifest.class, key);
    if (manifest.formatVersion() < 1 || manifest.id() == null || manifest.topics() == null) {
      throw new io.kbackup.error.CorruptDataException(key + ": not a complete snapshot manifest");
    }
    String id = key.substring(SNAPSHOTS_PREFIX.length(), key.length() - ".json".length());
    if (!id.equals(manifest.id())) {
      // a snapshot is known by its key: one naming another would be listed, kept or copied twice
      throw new CorruptDataException(
          key
              + " names the snapshot "
              + Untrusted.text(manifest.id())
              + ", not "
              + id
              + ": the manifest is damaged or forged");
    }
    if (manifest.formatVersion() > SnapshotManifest.FORMAT_VERSION) {
      throw new KbackupException(
          ExitCode.FAILED,
          "snapshot "
              + manifest.id()
              + " has format version "
              + manifest.formatVersion()
              + ", this kbackup reads up to "
              + SnapshotManifest.FORMAT_VERSION,
          "use a newer kbackup");
    }
    if (!DocumentRules.isInstant(manifest.createdAt())
        || !DocumentRules.isInstant(manifest.cutTime())) {
      throw new io.kbackup.error.CorruptDataException(key + ": createdAt or cutTime is not a time");
    }
    ManifestKeys.check(key, manifest);
    return manifest;
  }

  /**
   * Writes the manifest: the commit point of a backup. Its digest is written first, so that a
   * committed manifest always has one. A commit killed between the two leaves the digest alone; the
   * same manifest may then be committed again (as a copy run again does), another one not.
   */
  public void commit(SnapshotManifest manifest) throws IOException {
    refuseUnencryptedWrites();
    String key = snapshotKey(manifest.id());
    byte[] document = Json.write(manifest);
    byte[] digest = DocumentDigest.line(key, document);
    if (!storage.putIfAbsent(key + DocumentDigest.SUFFIX, digest)
            && !DocumentDigest.isStored(storage, key, digest)
        || !storage.putIfAbsent(key, document)) {
      throw new IllegalStateException("snapshot " + manifest.id() + " exists already");
    }
  }

  /**
   * Removes a snapshot's manifest, then its digest object; the data it lists stays until a prune.
   */
  public void forget(String id) throws IOException {
    String key = snapshotKey(id);
    storage.delete(key);
    storage.delete(key + DocumentDigest.SUFFIX);
  }

  static String snapshotKey(String id) {
    if (!id.matches("[A-Za-z0-9._-]+")) {
      throw KbackupException.usage(
          "invalid snapshot id: " + id, "list them with `kbackup snapshots`");
    }
    return SNAPSHOTS_PREFIX + id + ".json";
  }

  @Override
  public void close() throws IOException {
    storage.close();
  }
}

package io.kbackup.verify;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.KbackupException;
import io.kbackup.error.TaskResults;
import io.kbackup.progress.Progress;
import io.kbackup.repository.IncludedFile;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.RepositoryConfig;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import io.kbackup.repository.lock.LockKind;
import io.kbackup.repository.lock.RepositoryLock;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentRanges;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.ObjectNotFoundException;
import io.kbackup.storage.Storage;
import io.kbackup.verify.Problem.Kind;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Verifies a repository without Kafka. Level 1: the config and every manifest are sound, and every
 * object a snapshot needs exists with its recorded size. Level 2 adds: every byte of the data
 * objects read and checked against its SHA-256 and CRC32C, every record decoded, indexes compared
 * with their segments and each partition's record count recomputed. A segment shared by many
 * snapshots is read once.
 */
public final class Verifier {

  /** Threads that read segments at level 2. */
  private static final int THREADS =
      Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private static final Pattern SNAPSHOT_ID = Pattern.compile("[A-Za-z0-9._-]+");

  private final Storage raw;
  private final Supplier<String> passphrase;
  private final Clock clock;
  private Storage storage;
  private final Set<Problem> problems = new LinkedHashSet<>();
  private long bytesRead;
  private Progress progress = Progress.NONE;

  public Verifier(Storage storage) {
    this(storage, null, Clock.systemUTC());
  }

  /** For a repository that may be encrypted: the passphrase is asked when it is. */
  public Verifier(Storage storage, Supplier<String> passphrase) {
    this(storage, passphrase, Clock.systemUTC());
  }

  /** With a clock that dates the verification state, for tests. */
  public Verifier(Storage storage, Clock clock) {
    this(storage, null, clock);
  }

  private Verifier(Storage storage, Supplier<String> passphrase, Clock clock) {
    this.raw = storage;
    this.storage = storage;
    this.passphrase = passphrase;
    this.clock = clock;
  }

  /**
   * Reports objects as they are checked: at level 1 every segment (with its index) and included
   * file whose presence is checked; at level 2 those read, with their bytes, of the bytes expected.
   * Counted in {@code objects}.
   */
  public Verifier watchedBy(Progress progress) {
    this.progress = progress;
    return this;
  }

  /**
   * Runs the verification.
   *
   * <p>It holds a shared lock on the repository, so that no command deletes objects meanwhile.
   *
   * @throws KbackupException when there is no repository (exit 10), a newer format (exit 1), no
   *     such snapshot (exit 2) or a conflicting lock (exit 11); damage is reported in the result,
   *     not thrown
   */
  public VerifyReport run(VerifyOptions options) throws IOException {
    problems.clear();
    bytesRead = 0;
    Repository repo;
    try {
      repo = Repository.open(raw, passphrase);
      storage = repo.storage();
    } catch (CorruptDataException e) {
      problems.add(corrupt(Repository.CONFIG_KEY, e));
      return report(options, List.of(), 0, List.of());
    }
    try (RepositoryLock lock = RepositoryLock.acquire(storage, LockKind.SHARED, "verify")) {
      return verify(repo, options);
    }
  }

  private VerifyReport verify(Repository repo, VerifyOptions options) throws IOException {
    checkConfig(repo.config());
    Map<String, SnapshotManifest> manifests = manifests(repo, options.snapshot());
    manifests.forEach((key, m) -> ManifestChecks.check(key, m, problems::add));
    Map<SegmentInfo, Listing> segments = segmentsOf(manifests.values());
    Set<IncludedFile> files = new LinkedHashSet<>();
    manifests.values().forEach(m -> files.addAll(m.files()));
    // objects without a usable key were reported as damage of their manifest; not looked up
    files.removeIf(f -> !ManifestChecks.hasUsableKey(f));
    // at level 2 the progress follows the data read, by far the longer part
    Set<String> damaged =
        checkPresence(segments, files, options.level() >= 2 ? Progress.NONE : progress);
    List<String> read = List.of();
    if (options.level() >= 2) {
      read = readData(options, manifests, segments, files, damaged);
    }
    List<String> ids = manifests.values().stream().map(SnapshotManifest::id).toList();
    return report(options, ids, segments.size(), read);
  }

  /** Every distinct segment description, with where it is listed. */
  private static Map<SegmentInfo, Listing> segmentsOf(Collection<SnapshotManifest> manifests) {
    Map<SegmentInfo, Listing> segments = new LinkedHashMap<>();
    for (SnapshotManifest m : manifests) {
      for (TopicSnapshot t : m.topics()) {
        for (PartitionSnapshot p : t.partitions()) {
          String tp = ManifestChecks.topicPartition(t.name(), p.partition());
          for (SegmentInfo s : p.segments()) {
            if (ManifestChecks.hasUsableKeys(s)) {
              segments.computeIfAbsent(s, x -> new Listing(tp)).snapshots().add(m.id());
            }
          }
        }
      }
    }
    return segments;
  }

  /** Level 1 for the data objects; returns the keys of those missing or of another size. */
  private Set<String> checkPresence(
      Map<SegmentInfo, Listing> segments, Set<IncludedFile> files, Progress checked)
      throws IOException {
    checked.expect(segments.size() + files.size());
    Set<String> damaged = new HashSet<>();
    for (Map.Entry<SegmentInfo, Listing> e : segments.entrySet()) {
      SegmentInfo s = e.getKey();
      String tp = e.getValue().topicPartition();
      boolean segment = present(s.key(), s.size(), s, tp);
      if (!present(s.indexKey(), s.indexSize(), s, tp) || !segment) {
        damaged.add(s.key());
      }
      checked.add(1, 0);
    }
    for (IncludedFile f : files) {
      if (!present(f.key(), f.size(), null, null)) {
        damaged.add(f.key());
      }
      checked.add(1, 0);
    }
    return damaged;
  }

  private VerifyReport report(
      VerifyOptions options, List<String> ids, int segments, List<String> read) {
    return new VerifyReport(
        options.level(), ids, segments, read, bytesRead, new ArrayList<>(problems));
  }

  private List<String> readData(
      VerifyOptions options,
      Map<String, SnapshotManifest> manifests,
      Map<SegmentInfo, Listing> segments,
      Set<IncludedFile> files,
      Set<String> damaged)
      throws IOException {
    VerifyState state = VerifyState.load(storage);
    Set<String> keys = new LinkedHashSet<>();
    segments.keySet().forEach(s -> keys.add(s.key()));
    files.forEach(f -> keys.add(f.key()));
    Set<String> selected =
        new LinkedHashSet<>(
            options.subset() == null
                ? keys
                : options.subset().select(List.copyOf(keys), state.lastVerified()));
    expectToRead(segments.keySet(), files, selected);
    checkSegments(segments, selected, damaged);
    for (IncludedFile f : files) {
      if (selected.contains(f.key())) {
        long before = bytesRead;
        if (!fileIsSound(f)) {
          damaged.add(f.key());
        }
        progress.add(1, bytesRead - before);
      }
    }
    for (Map.Entry<String, SnapshotManifest> m : manifests.entrySet()) {
      checkRecordCounts(m.getKey(), m.getValue(), selected, damaged);
    }
    Instant now = clock.instant();
    for (String key : selected) {
      if (!damaged.contains(key)) {
        state.verified(key, now);
      }
    }
    if (options.snapshot() == null) {
      state.retainOnly(keys);
    }
    state.save(storage);
    return List.copyOf(selected);
  }

  /** Tells the progress how many objects and bytes level 2 is about to read. */
  private void expectToRead(
      Set<SegmentInfo> segments, Set<IncludedFile> files, Set<String> selected) {
    long objects = 0;
    long bytes = 0;
    for (SegmentInfo s : segments) {
      if (selected.contains(s.key())) {
        objects++;
        bytes += s.size() + s.indexSize();
      }
    }
    for (IncludedFile f : files) {
      if (selected.contains(f.key())) {
        objects++;
        bytes += f.size();
      }
    }
    progress.expect(objects);
    progress.expectBytes(bytes);
  }

  /**
   * Reads the selected segments on a few threads (reading is bound by SHA-256, decompression and
   * decoding, not by storage), and reports what they find in the order of the manifests.
   */
  private void checkSegments(
      Map<SegmentInfo, Listing> segments, Set<String> selected, Set<String> damaged)
      throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "kbackup-verify");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<SegmentCheck>> checks = new ArrayList<>();
      segments.forEach(
          (segment, listing) -> {
            if (selected.contains(segment.key())) {
              SegmentCheck check = new SegmentCheck(storage, segment, listing);
              checks.add(
                  pool.submit(
                      () -> {
                        check.run();
                        progress.add(1, check.bytesRead());
                        return check;
                      }));
            }
          });
      for (Future<SegmentCheck> future : checks) {
        SegmentCheck check = TaskResults.await(future);
        bytesRead += check.bytesRead();
        problems.addAll(check.problems());
        if (!check.problems().isEmpty()) {
          damaged.add(check.segment().key());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Level 1 for one object: it exists with its recorded size. */
  private boolean present(String key, long size, SegmentInfo segment, String tp)
      throws IOException {
    Optional<ObjectInfo> info = storage.stat(key);
    String detail;
    Kind kind;
    if (info.isEmpty()) {
      kind = Kind.MISSING;
      detail = "missing";
    } else if (info.get().size() != size) {
      kind = Kind.SIZE_MISMATCH;
      detail = "size is " + info.get().size() + " bytes, the manifest says " + size;
    } else {
      return true;
    }
    problems.add(
        segment == null
            ? Problem.of(kind, key, detail)
            : Problem.of(kind, key, tp, segment.firstOffset(), segment.lastOffset(), detail));
    return false;
  }

  private boolean fileIsSound(IncludedFile f) throws IOException {
    String digest;
    try (DigestingStream in = new DigestingStream(storage.get(f.key()))) {
      in.drain();
      bytesRead += in.count();
      digest = in.hexDigest();
    } catch (ObjectNotFoundException e) {
      return false; // reported by the level-1 check
    }
    if (!digest.equals(f.sha256())) {
      problems.add(
          Problem.of(
              Kind.DIGEST_MISMATCH,
              f.key(),
              SegmentCheck.digestDetail(digest, "the manifest says", f.sha256())));
      return false;
    }
    return true;
  }

  /** For partitions whose segments were all read sound: the records in range match the count. */
  private void checkRecordCounts(
      String key, SnapshotManifest m, Set<String> read, Set<String> damaged) throws IOException {
    for (TopicSnapshot t : m.topics()) {
      for (PartitionSnapshot p : t.partitions()) {
        boolean sound =
            p.segments().stream()
                .allMatch(s -> read.contains(s.key()) && !damaged.contains(s.key()));
        if (!sound || p.endOffset() < p.startOffset()) {
          continue;
        }
        long found =
            SegmentRanges.cut(storage, p.segments(), p.startOffset(), p.endOffset(), null)
                .recordCount();
        if (found != p.recordCount()) {
          problems.add(
              Problem.of(
                  Kind.INCONSISTENT,
                  key,
                  ManifestChecks.topicPartition(t.name(), p.partition()),
                  p.startOffset(),
                  p.endOffset() - 1,
                  "the segments hold "
                      + found
                      + " records in ["
                      + p.startOffset()
                      + ", "
                      + p.endOffset()
                      + "), the manifest says "
                      + p.recordCount()));
        }
      }
    }
  }

  private void checkConfig(RepositoryConfig config) {
    List<String> wrong = new ArrayList<>();
    try {
      UUID.fromString(config.id());
    } catch (IllegalArgumentException | NullPointerException e) {
      wrong.add("id");
    }
    try {
      Instant.parse(config.createdAt());
    } catch (DateTimeParseException | NullPointerException e) {
      wrong.add("createdAt");
    }
    if (config.batchBytes() <= 0 || config.segmentBytes() <= 0) {
      wrong.add("batch or segment size");
    }
    if (!wrong.isEmpty()) {
      problems.add(
          Problem.of(
              Kind.CORRUPT, Repository.CONFIG_KEY, "has no valid " + String.join(", ", wrong)));
    }
  }

  /** The manifests to verify by key; those that do not parse are reported and left out. */
  private Map<String, SnapshotManifest> manifests(Repository repo, String wanted)
      throws IOException {
    Map<String, SnapshotManifest> result = new LinkedHashMap<>();
    if (wanted != null && !wanted.equals("latest")) {
      read(repo, wanted, Repository.SNAPSHOTS_PREFIX + wanted + ".json", result);
      return result;
    }
    for (ObjectInfo info : storage.list(Repository.SNAPSHOTS_PREFIX)) {
      String key = info.key();
      if (!key.endsWith(".json")) {
        continue;
      }
      String id = key.substring(Repository.SNAPSHOTS_PREFIX.length(), key.length() - 5);
      if (SNAPSHOT_ID.matcher(id).matches()) {
        read(repo, id, key, result);
      } else {
        problems.add(Problem.of(Kind.CORRUPT, key, "is not named like a snapshot manifest"));
      }
    }
    if (wanted == null) {
      return result;
    }
    if (result.isEmpty() && problems.isEmpty()) {
      repo.snapshot(wanted); // says that there is no snapshot yet
    }
    Optional<Map.Entry<String, SnapshotManifest>> newest =
        result.entrySet().stream()
            .max(
                Comparator.comparing(
                        (Map.Entry<String, SnapshotManifest> e) -> e.getValue().created())
                    .thenComparing(e -> e.getValue().id()));
    return newest.map(e -> Map.of(e.getKey(), e.getValue())).orElse(Map.of());
  }

  private void read(Repository repo, String id, String key, Map<String, SnapshotManifest> into)
      throws IOException {
    try {
      into.put(key, repo.snapshot(id));
    } catch (CorruptDataException e) {
      problems.add(corrupt(key, e));
    }
  }

  private static Problem corrupt(String key, CorruptDataException e) {
    return Problem.of(Kind.CORRUPT, key, SegmentCheck.detail(e, key));
  }
}

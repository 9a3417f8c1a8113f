package io.kbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage conformance suite: the contract of {@link Storage} (docs/FORMAT.md §1.2) as tests.
 * Every backend's test class extends it and supplies a new, empty storage for each test.
 */
public abstract class StorageContract {

  /** A 40 MiB object: above the multipart threshold of object stores, kept on disk only. */
  static final long LARGE_SIZE = 40L << 20;

  /** A 20 MiB object: above the part and block size, so a conditional multipart upload. */
  static final long LARGE_IF_ABSENT_SIZE = 20L << 20;

  @TempDir protected Path scratch;

  protected Storage storage;

  /** A new storage holding no objects. */
  protected abstract Storage newStorage() throws Exception;

  @BeforeEach
  void openStorage() throws Exception {
    storage = newStorage();
  }

  @AfterEach
  void closeStorage() throws Exception {
    storage.close();
  }

  /** Writes {@code size} random bytes from the seed to the file; returns their SHA-256. */
  private static String writeRandom(Path file, long size, long seed) throws Exception {
    MessageDigest written = MessageDigest.getInstance("SHA-256");
    Random random = new Random(seed);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long n = 0; n < size; n += chunk.length) {
        random.nextBytes(chunk);
        written.update(chunk);
        out.write(chunk);
      }
    }
    return HexFormat.of().formatHex(written.digest());
  }

  /** The SHA-256 of the stored object, read as a stream. */
  private String sha256Of(String key) throws Exception {
    MessageDigest read = MessageDigest.getInstance("SHA-256");
    try (InputStream in = storage.get(key)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        read.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(read.digest());
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private String read(String key, long offset, long length) throws Exception {
    try (InputStream in = storage.get(key, offset, length)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void putThenGetReturnsTheSameBytes() throws Exception {
    storage.put("snapshots/a.json", bytes("{\"a\":1}"));
    storage.put("empty", new byte[0]);
    Path file = Files.write(scratch.resolve("segment"), bytes("from a file"));
    storage.put("data/t/0/x.seg", file);

    assertThat(storage.readAll("snapshots/a.json")).isEqualTo(bytes("{\"a\":1}"));
    assertThat(storage.readAll("empty")).isEmpty();
    assertThat(storage.readAll("data/t/0/x.seg")).isEqualTo(bytes("from a file"));
  }

  @Test
  void lastModifiedTellsWhenAnObjectWasWritten() throws Exception {
    java.time.Instant before = java.time.Instant.now().minusSeconds(5);
    storage.put("data/t/0/dated.seg", bytes("x"));
    java.time.Instant after = java.time.Instant.now().plusSeconds(5);
    assertThat(storage.lastModified("data/t/0/dated.seg"))
        .hasValueSatisfying(t -> assertThat(t).isBetween(before, after));
    assertThat(storage.lastModified("data/t/0/never.seg")).isEmpty();
  }

  @Test
  void putReplacesAnExistingObject() throws Exception {
    storage.put("restores/r.json", bytes("first version"));
    storage.put("restores/r.json", bytes("second"));
    assertThat(storage.readAll("restores/r.json")).isEqualTo(bytes("second"));

    storage.put("restores/r.json", Files.write(scratch.resolve("third"), bytes("third")));
    assertThat(storage.readAll("restores/r.json")).isEqualTo(bytes("third"));
    assertThat(storage.stat("restores/r.json")).contains(new ObjectInfo("restores/r.json", 5));
  }

  @Test
  void putIfAbsentWritesOnceAndNeverReplaces() throws Exception {
    assertThat(storage.putIfAbsent("snapshots/s.json", bytes("first"))).isTrue();
    assertThat(storage.putIfAbsent("snapshots/s.json", bytes("second"))).isFalse();
    assertThat(storage.readAll("snapshots/s.json")).isEqualTo(bytes("first"));

    storage.put("config.json", bytes("existing"));
    assertThat(storage.putIfAbsent("config.json", bytes("other"))).isFalse();
    assertThat(storage.readAll("config.json")).isEqualTo(bytes("existing"));
  }

  @Test
  void putIfAbsentFromAFileWritesOnceAndNeverReplaces() throws Exception {
    Path first = Files.write(scratch.resolve("first"), bytes("first from a file"));
    Path second = Files.write(scratch.resolve("second"), bytes("second"));
    Path empty = Files.write(scratch.resolve("empty"), new byte[0]);

    assertThat(storage.putIfAbsent("data/t/0/a.seg", first)).isTrue();
    assertThat(storage.putIfAbsent("data/t/0/a.seg", second)).isFalse();
    assertThat(storage.putIfAbsent("data/t/0/a.seg", empty)).isFalse();
    assertThat(storage.readAll("data/t/0/a.seg")).isEqualTo(bytes("first from a file"));
    assertThat(storage.stat("data/t/0/a.seg")).contains(new ObjectInfo("data/t/0/a.seg", 17));
    assertThat(Files.readAllBytes(first))
        .as("the caller's file")
        .isEqualTo(bytes("first from a file"));

    assertThat(storage.putIfAbsent("data/t/0/empty.seg", empty)).isTrue();
    assertThat(storage.readAll("data/t/0/empty.seg")).isEmpty();

    storage.put("config.json", bytes("existing"));
    assertThat(storage.putIfAbsent("config.json", second)).isFalse();
    assertThat(storage.readAll("config.json")).isEqualTo(bytes("existing"));
    assertThat(storage.putIfAbsent("snapshots/s.json", bytes("by bytes"))).isTrue();
    assertThat(storage.putIfAbsent("snapshots/s.json", first)).isFalse();
    assertThat(storage.readAll("snapshots/s.json")).isEqualTo(bytes("by bytes"));
  }

  @Test
  void putIfAbsentOfAScratchFileOutlivesTheFile() throws Exception {
    Path spooled = Files.createTempFile(storage.scratchDirectory(), "copy-", ".tmp");
    Files.write(spooled, bytes("spooled"));
    Path rival = Files.createTempFile(storage.scratchDirectory(), "copy-", ".tmp");
    Files.write(rival, bytes("rival"));

    assertThat(storage.putIfAbsent("data/t/0/s.seg", spooled)).isTrue();
    assertThat(storage.putIfAbsent("data/t/0/s.seg", rival)).isFalse();
    Files.deleteIfExists(spooled);
    Files.deleteIfExists(rival);

    assertThat(storage.readAll("data/t/0/s.seg")).isEqualTo(bytes("spooled"));
    assertThat(storage.list("")).extracting(ObjectInfo::key).containsExactly("data/t/0/s.seg");
  }

  @Test
  void aLargeFileIsPutIfAbsentWholeAndNeverReplaced() throws Exception {
    Path file = scratch.resolve("large-a.seg");
    String sha256 = writeRandom(file, LARGE_IF_ABSENT_SIZE, 43);
    Path other = scratch.resolve("large-b.seg");
    writeRandom(other, LARGE_IF_ABSENT_SIZE, 44);

    assertThat(storage.putIfAbsent("data/big/0/a.seg", file)).isTrue();
    assertThat(storage.putIfAbsent("data/big/0/a.seg", other)).isFalse();
    // the same bytes again: still refused, however many requests the upload took
    assertThat(storage.putIfAbsent("data/big/0/a.seg", file)).isFalse();

    assertThat(storage.stat("data/big/0/a.seg"))
        .contains(new ObjectInfo("data/big/0/a.seg", LARGE_IF_ABSENT_SIZE));
    assertThat(sha256Of("data/big/0/a.seg")).isEqualTo(sha256);
  }

  @Test
  void ofTwoWritersRacingToPutIfAbsentExactlyOneWins() throws Exception {
    race("snapshots/race-", (key, writer) -> storage.putIfAbsent(key, bytes(writer)));
  }

  @Test
  void ofTwoWritersRacingToPutIfAbsentFromFilesExactlyOneWins() throws Exception {
    race(
        "data/t/0/race-",
        (key, writer) ->
            storage.putIfAbsent(
                key, Files.write(scratch.resolve(key.replace('/', '_') + writer), bytes(writer))));
  }

  /** A write of {@code writer}'s name under the key. */
  private interface Writer {
    boolean put(String key, String writer) throws Exception;
  }

  private void race(String prefix, Writer put) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 5; round++) {
        String key = prefix + round;
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<Boolean>> writers = new ArrayList<>();
        for (String writer : List.of("writer-a", "writer-b")) {
          Callable<Boolean> racing =
              () -> {
                start.await();
                return put.put(key, writer);
              };
          writers.add(pool.submit(racing));
        }
        boolean a = writers.get(0).get();
        boolean b = writers.get(1).get();
        assertThat(a ^ b).as("exactly one of two racing writers wins round " + round).isTrue();
        assertThat(storage.readAll(key)).isEqualTo(bytes(a ? "writer-a" : "writer-b"));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rangedReadsReturnTheBytesAskedForAndStopAtTheEnd() throws Exception {
    storage.put("data/t/0/r.seg", bytes("0123456789"));

    assertThat(read("data/t/0/r.seg", 0, 3)).isEqualTo("012");
    assertThat(read("data/t/0/r.seg", 3, 4)).isEqualTo("3456");
    assertThat(read("data/t/0/r.seg", 7, 3)).isEqualTo("789");
    assertThat(read("data/t/0/r.seg", 8, -1)).isEqualTo("89");
    assertThat(read("data/t/0/r.seg", 0, -1)).isEqualTo("0123456789");
    assertThat(read("data/t/0/r.seg", 5, 0)).isEmpty();
    // past the end: the bytes up to the end, and none from the end on
    assertThat(read("data/t/0/r.seg", 8, 100)).isEqualTo("89");
    assertThat(read("data/t/0/r.seg", 10, -1)).isEmpty();
    assertThat(read("data/t/0/r.seg", 20, 5)).isEmpty();
  }

  @Test
  void statGivesTheSizeOrNothing() throws Exception {
    storage.put("snapshots/s.json", bytes("12345"));
    assertThat(storage.stat("snapshots/s.json")).contains(new ObjectInfo("snapshots/s.json", 5));
    assertThat(storage.stat("snapshots/missing.json")).isEmpty();
    assertThat(storage.stat("snapshots")).as("a prefix is not an object").isEmpty();
  }

  @Test
  void listGivesEveryObjectUnderThePrefixSortedWithFullKeys() throws Exception {
    for (String key :
        List.of(
            "data/b/1/y.seg",
            "data/a/0/x.seg",
            "data/a/0/sub/deep/z.seg",
            "data/ab",
            "snapshots/1")) {
      storage.put(key, bytes(key));
    }

    assertThat(storage.list("data/a/").stream().map(ObjectInfo::key))
        .containsExactly("data/a/0/sub/deep/z.seg", "data/a/0/x.seg");
    assertThat(storage.list("data/a").stream().map(ObjectInfo::key))
        .containsExactly("data/a/0/sub/deep/z.seg", "data/a/0/x.seg", "data/ab");
    assertThat(storage.list("data/")).hasSize(4).contains(new ObjectInfo("data/ab", 7));
    assertThat(storage.list("").stream().map(ObjectInfo::key))
        .containsExactly(
            "data/a/0/sub/deep/z.seg",
            "data/a/0/x.seg",
            "data/ab",
            "data/b/1/y.seg",
            "snapshots/1");
    assertThat(storage.list("snap")).extracting(ObjectInfo::key).containsExactly("snapshots/1");
    assertThat(storage.list("nothing/")).isEmpty();
  }

  @Test
  void listCrossesPagesOfMoreThanAThousandKeys() throws Exception {
    int count = 1010;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> puts = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String key = String.format("many/%04d", i);
        puts.add(
            pool.submit(
                () -> {
                  storage.put(key, bytes("x"));
                  return null;
                }));
      }
      for (Future<?> put : puts) {
        put.get();
      }
    } finally {
      pool.shutdownNow();
    }
    storage.put("other", bytes("y"));

    List<ObjectInfo> listed = storage.list("many/");
    assertThat(listed).hasSize(count);
    assertThat(listed.get(0)).isEqualTo(new ObjectInfo("many/0000", 1));
    assertThat(listed.get(count - 1).key()).isEqualTo("many/1009");
    assertThat(listed).isSortedAccordingTo((x, y) -> x.key().compareTo(y.key()));
  }

  @Test
  void deleteRemovesTheObjectAndAMissingObjectIsNoError() throws Exception {
    storage.put("locks/l.json", bytes("lock"));
    storage.delete("locks/l.json");
    storage.delete("locks/l.json");
    storage.delete("locks/never-there.json");
    assertThat(storage.stat("locks/l.json")).isEmpty();
    assertThat(storage.list("locks/")).isEmpty();
  }

  @Test
  void readingAMissingObjectThrowsObjectNotFound() {
    assertThatThrownBy(() -> storage.get("snapshots/missing.json"))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessageContaining("snapshots/missing.json");
    assertThatThrownBy(() -> storage.get("snapshots/missing.json", 10, 5).close())
        .isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> storage.readAll("snapshots/missing.json"))
        .isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void aLargeObjectPutFromAFileReadsBackByteForByte() throws Exception {
    Path file = scratch.resolve("large.seg");
    String written = writeRandom(file, LARGE_SIZE, 42);

    storage.put("data/big/0/large.seg", file);

    assertThat(storage.stat("data/big/0/large.seg"))
        .contains(new ObjectInfo("data/big/0/large.seg", LARGE_SIZE));
    assertThat(sha256Of("data/big/0/large.seg")).isEqualTo(written);
    // a range across the boundary of two 16 MiB parts
    long offset = (16L << 20) - 10;
    try (InputStream in = storage.get("data/big/0/large.seg", offset, 20);
        InputStream local = Files.newInputStream(file)) {
      local.skipNBytes(offset);
      assertThat(in.readAllBytes()).isEqualTo(local.readNBytes(20));
    }
  }

  @Test
  void invalidKeysAreRefusedByEveryOperation() throws Exception {
    Path file = Files.write(scratch.resolve("x"), bytes("x"));
    for (String key :
        new String[] {"../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", "", "a\\b"}) {
      assertThatThrownBy(() -> storage.put(key, bytes("x")))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> storage.putIfAbsent(key, bytes("x")))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> storage.putIfAbsent(key, file))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> storage.get(key, 0, -1))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> storage.stat(key))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> storage.delete(key))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}

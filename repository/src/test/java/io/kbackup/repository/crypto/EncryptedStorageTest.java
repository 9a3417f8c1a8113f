package io.kbackup.repository.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.error.CorruptDataException;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.storage.Storage;
import io.kbackup.storage.StorageContract;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption is a storage over a storage: it passes the same contract as every backend, and it
 * refuses any object that was changed, cut short or swapped.
 */
class EncryptedStorageTest extends StorageContract {

  @TempDir Path dir;
  final byte[] key = KeySlot.random(32);

  @Override
  protected Storage newStorage() {
    return new EncryptedStorage(new FileSystemStorage(dir), key, "repo-1");
  }

  @Test
  void rangedReadsAcrossChunkBoundariesReturnThePlainBytes() throws Exception {
    byte[] data = new byte[3 * ChunkCipher.CHUNK_BYTES + 1234];
    new Random(5).nextBytes(data);
    storage.put("data/t/0/s.seg", data);
    assertThat(Files.size(dir.resolve("data/t/0/s.seg")))
        .isEqualTo(ChunkCipher.sealedSize(data.length));
    assertThat(storage.stat("data/t/0/s.seg").orElseThrow().size()).isEqualTo(data.length);
    int[][] ranges = {
      {0, 10},
      {ChunkCipher.CHUNK_BYTES - 5, 10},
      {2 * ChunkCipher.CHUNK_BYTES, ChunkCipher.CHUNK_BYTES},
      {data.length - 7, 7},
      {data.length - 7, -1},
      {1, data.length - 2}
    };
    for (int[] r : ranges) {
      try (InputStream in = storage.get("data/t/0/s.seg", r[0], r[1])) {
        int to = r[1] < 0 ? data.length : r[0] + r[1];
        assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, r[0], to));
      }
    }
    // no plain byte is stored
    byte[] stored = Files.readAllBytes(dir.resolve("data/t/0/s.seg"));
    assertThat(indexOf(stored, java.util.Arrays.copyOfRange(data, 100, 132))).isNegative();
  }

  @Test
  void anyChangedByteCutOrSwapIsRefused() throws Exception {
    byte[] data = new byte[2 * ChunkCipher.CHUNK_BYTES + 99];
    new Random(6).nextBytes(data);
    storage.put("data/t/0/a.seg", data);
    storage.put("data/t/0/b.seg", data);
    Path a = dir.resolve("data/t/0/a.seg");
    byte[] sealed = Files.readAllBytes(a);
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      byte[] changed = sealed.clone();
      changed[random.nextInt(changed.length)] ^= (byte) (1 << random.nextInt(8));
      Files.write(a, changed);
      assertThatThrownBy(() -> readAll("data/t/0/a.seg")).isInstanceOf(CorruptDataException.class);
    }
    // the last chunk cut off: the object then ends in a chunk not sealed as the last
    Files.write(
        a,
        java.util.Arrays.copyOf(
            sealed,
            ChunkCipher.HEADER_BYTES + 2 * (ChunkCipher.CHUNK_BYTES + ChunkCipher.TAG_BYTES)));
    assertThatThrownBy(() -> readAll("data/t/0/a.seg"))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("data/t/0/a.seg: chunk 1 does not decrypt");
    // b's bytes under a's name
    Files.copy(dir.resolve("data/t/0/b.seg"), a, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> readAll("data/t/0/a.seg")).isInstanceOf(CorruptDataException.class);
    // another repository's key
    Storage other = new EncryptedStorage(new FileSystemStorage(dir), KeySlot.random(32), "repo-1");
    assertThatThrownBy(() -> other.readAll("data/t/0/b.seg"))
        .isInstanceOf(CorruptDataException.class);
    assertThat(readAll("data/t/0/b.seg")).isEqualTo(data);
  }

  @Test
  void keySlotsOpenWithTheirPassphraseOnly() throws Exception {
    FileSystemStorage plain = new FileSystemStorage(dir);
    byte[] master = KeySlots.create(plain, "correct horse", "repo-1");
    KeySlot second = KeySlots.add(plain, master, "battery staple", "repo-1");
    assertThat(KeySlots.open(plain, "correct horse", "repo-1").masterKey()).isEqualTo(master);
    KeySlots.Opened bySecond = KeySlots.open(plain, "battery staple", "repo-1");
    assertThat(bySecond.slot().id()).isEqualTo(second.id());
    assertThatThrownBy(() -> KeySlots.open(plain, "wrong", "repo-1"))
        .isInstanceOfSatisfying(
            io.kbackup.error.KbackupException.class, e -> assertThat(e.exitCode()).isEqualTo(12));
    // a slot is bound to its repository
    assertThatThrownBy(() -> KeySlots.open(plain, "correct horse", "repo-2"))
        .isInstanceOfSatisfying(
            io.kbackup.error.KbackupException.class, e -> assertThat(e.exitCode()).isEqualTo(12));
    String first =
        KeySlots.list(plain).stream()
            .filter(s -> !s.id().equals(second.id()))
            .findFirst()
            .orElseThrow()
            .id();
    KeySlots.remove(plain, first, bySecond);
    assertThatThrownBy(() -> KeySlots.open(plain, "correct horse", "repo-1"))
        .isInstanceOf(io.kbackup.error.KbackupException.class);
    assertThatThrownBy(() -> KeySlots.remove(plain, second.id(), bySecond))
        .hasMessageContaining("is the one this passphrase opened");
  }

  private byte[] readAll(String key) throws Exception {
    try (InputStream in = storage.get(key)) {
      return in.readAllBytes();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}

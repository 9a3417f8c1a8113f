package io.kbackup.repository.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kbackup.error.CorruptDataException;
import io.kbackup.error.KbackupException;
import io.kbackup.repository.Json;
import io.kbackup.storage.FileSystemStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key slots are read from a repository anyone may have written to: only slot objects are read, a
 * slot's costs are bounded before any work is spent on it, and a bad slot is skipped with a line
 * saying so when another one opens the repository.
 */
class KeySlotsTest {

  static final String REPO = "repo-1";
  static final String PASS = "correct horse battery staple";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void objectsThatAreNoSlotsAreNotRead() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    byte[] master = KeySlots.create(storage, PASS, REPO);
    storage.put("keys/README.txt", "these are the key slots".getBytes(StandardCharsets.UTF_8));
    storage.put("keys/old/abcdef01.json", "{".getBytes(StandardCharsets.UTF_8));

    KeySlots.Opened opened = KeySlots.open(storage, PASS, REPO);

    assertThat(opened.masterKey()).isEqualTo(master);
    assertThat(opened.skipped()).isEmpty();
    assertThat(KeySlots.list(storage)).hasSize(1);
  }

  @Test
  void slotsAskingTooMuchOrDamagedAreSkippedWithALineEach() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    byte[] master = KeySlots.create(storage, PASS, REPO);
    KeySlot good = KeySlots.list(storage).get(0);
    forge(storage, good, "00000001", s -> s.put("memoryKiB", 1 << 20)); // 1 GiB
    forge(storage, good, "00000002", s -> s.put("iterations", 2_000_000_000));
    forge(storage, good, "00000003", s -> s.put("memoryKiB", Integer.MIN_VALUE));
    forge(storage, good, "00000004", s -> s.put("parallelism", 1 << 20));
    forge(storage, good, "00000005", s -> s.put("id", "00000006"));
    forge(storage, good, "00000007", s -> s.put("salt", "AAAA"));
    storage.put("keys/00000008.json", "{\"id\":".getBytes(StandardCharsets.UTF_8));

    long start = System.nanoTime();
    KeySlots.Opened opened = KeySlots.open(storage, PASS, REPO);

    assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
    assertThat(opened.masterKey()).isEqualTo(master);
    assertThat(opened.skipped())
        .containsExactly(
            "key slot keys/00000001.json cannot be used (Argon2 memory 1048576 KiB is outside 8"
                + " to 262144)",
            "key slot keys/00000002.json cannot be used (Argon2 iterations 2000000000 are outside"
                + " 1 to 10)",
            "key slot keys/00000003.json cannot be used (Argon2 memory -2147483648 KiB is outside"
                + " 8 to 262144)",
            "key slot keys/00000004.json cannot be used (Argon2 parallelism 1048576 is outside 1"
                + " to 16)",
            "key slot keys/00000005.json cannot be used (its id 00000006 differs from its name)",
            "key slot keys/00000007.json cannot be used (its salt, nonce or wrapped key has the"
                + " wrong length)",
            "key slot keys/00000008.json cannot be used (not a key slot)");
  }

  @Test
  void withoutAUsableSlotTheRepositoryIsDamaged() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    KeySlots.create(storage, PASS, REPO);
    KeySlot good = KeySlots.list(storage).get(0);
    forge(storage, good, "00000001", s -> s.put("memoryKiB", 1 << 20));
    storage.delete("keys/" + good.id() + ".json");

    assertThatThrownBy(() -> KeySlots.open(storage, PASS, REPO))
        .isInstanceOf(CorruptDataException.class)
        .hasMessage(
            dir
                + " is encrypted but has no usable key slot under keys/: key slot"
                + " keys/00000001.json cannot be used (Argon2 memory 1048576 KiB is outside 8 to"
                + " 262144)");
  }

  @Test
  void aWrongPassphraseSaysHowManySlotsCouldNotBeTried() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    KeySlots.create(storage, PASS, REPO);
    forge(storage, KeySlots.list(storage).get(0), "00000002", s -> s.put("iterations", 0));

    assertThatThrownBy(() -> KeySlots.open(storage, "wrong", REPO))
        .isInstanceOf(KbackupException.class)
        .hasMessage(
            "the passphrase opens none of the 1 key slots of "
                + dir
                + " (1 more cannot be used: damaged or forged)")
        .extracting(e -> ((KbackupException) e).exitCode())
        .isEqualTo(12);
  }

  /** Writes a copy of a slot under another name, changed. */
  static void forge(FileSystemStorage storage, KeySlot slot, String id, Consumer<ObjectNode> change)
      throws Exception {
    ObjectNode node = (ObjectNode) JSON.readTree(Json.write(slot));
    node.put("id", id);
    change.accept(node);
    storage.put("keys/" + id + ".json", JSON.writeValueAsBytes(node));
  }
}

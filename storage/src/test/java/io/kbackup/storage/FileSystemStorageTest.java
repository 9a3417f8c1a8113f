package io.kbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemStorageTest extends StorageContract {

  @TempDir Path dir;

  @Override
  protected Storage newStorage() {
    return new FileSystemStorage(dir);
  }

  @Test
  void putGetRangeListAndDelete() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    storage.put("data/a..b/0/x.seg", bytes("0123456789"));
    storage.put("data/a..b/1/y.seg", bytes("abc"));
    storage.put("snapshots/s1.json", bytes("{}"));

    try (InputStream in = storage.get("data/a..b/0/x.seg", 3, 4)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("3456");
    }
    try (InputStream in = storage.get("data/a..b/0/x.seg", 8, -1)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("89");
    }
    assertThat(storage.list("data/"))
        .containsExactly(
            new ObjectInfo("data/a..b/0/x.seg", 10), new ObjectInfo("data/a..b/1/y.seg", 3));
    assertThat(storage.list("data/a..b/1")).containsExactly(new ObjectInfo("data/a..b/1/y.seg", 3));
    assertThat(storage.list("")).hasSize(3);
    assertThat(storage.stat("snapshots/s1.json")).contains(new ObjectInfo("snapshots/s1.json", 2));

    storage.delete("snapshots/s1.json");
    storage.delete("snapshots/s1.json");
    assertThat(storage.stat("snapshots/s1.json")).isEmpty();
    assertThatThrownBy(() -> storage.get("snapshots/s1.json"))
        .isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void putOfAScratchFileMovesItAndTemporaryFilesAreNeverListed() throws Exception {
    FileSystemStorage storage = new FileSystemStorage(dir);
    Path scratch = Files.createTempFile(storage.scratchDirectory(), "seg", ".tmp");
    Files.write(scratch, bytes("segment"));
    Path other = Files.createTempFile("outside", ".tmp");
    Files.write(other, bytes("copied"));
    storage.put("data/t/0/a.seg", scratch);
    storage.put("data/t/0/b.seg", other);
    assertThat(Files.exists(scratch)).isFalse();
    assertThat(Files.exists(other)).isTrue();
    assertThat(storage.readAll("data/t/0/a.seg")).isEqualTo(bytes("segment"));
    assertThat(storage.readAll("data/t/0/b.seg")).isEqualTo(bytes("copied"));
    Files.delete(other);
    Files.write(storage.scratchDirectory().resolve("left-over.tmp"), bytes("x"));
    assertThat(storage.list(""))
        .extracting(ObjectInfo::key)
        .containsExactly("data/t/0/a.seg", "data/t/0/b.seg");
  }
}

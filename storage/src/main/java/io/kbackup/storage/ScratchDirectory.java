package io.kbackup.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The local directory where an object-store backend's callers spool files before putting them:
 * created on first use, removed with whatever is left in it on close.
 */
public final class ScratchDirectory {

  private final String prefix;
  private Path dir;

  public ScratchDirectory(String prefix) {
    this.prefix = prefix;
  }

  public synchronized Path get() throws IOException {
    if (dir == null) {
      dir = Files.createTempDirectory(prefix);
    }
    return dir;
  }

  public synchronized void delete() throws IOException {
    if (dir != null) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(path);
        }
      }
      dir = null;
    }
  }
}

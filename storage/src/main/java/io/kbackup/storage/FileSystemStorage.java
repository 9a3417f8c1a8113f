package io.kbackup.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Storage in a local directory. A put writes a temporary file, forces it to disk, moves it into
 * place and forces the directory, so a crash leaves either the whole object or none of it.
 * Temporary files live under {@code tmp/} inside the root and are never listed as objects.
 */
public final class FileSystemStorage implements Storage {

  static final String TMP_DIR = "tmp";

  private final Path root;

  public FileSystemStorage(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  @Override
  public void put(String key, Path file) throws IOException {
    publishFile(file, key, true);
  }

  @Override
  public boolean putIfAbsent(String key, Path file) throws IOException {
    return publishFile(file, key, false);
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    Path tmp = writeTemp(bytes);
    try {
      publish(tmp, key, true);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public boolean putIfAbsent(String key, byte[] bytes) throws IOException {
    Path tmp = writeTemp(bytes);
    try {
      return publish(tmp, key, false);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public InputStream get(String key, long offset, long length) throws IOException {
    Path path = resolve(key);
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(key);
    }
    channel.position(offset);
    InputStream in = Channels.newInputStream(channel);
    return length < 0 ? in : new BoundedInputStream(in, length);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    Path path = resolve(key);
    if (!Files.isRegularFile(path)) {
      return Optional.empty();
    }
    return Optional.of(new ObjectInfo(key, Files.size(path)));
  }

  @Override
  public Optional<java.time.Instant> lastModified(String key) throws IOException {
    Path path = resolve(key);
    if (!Files.isRegularFile(path)) {
      return Optional.empty();
    }
    return Optional.of(Files.getLastModifiedTime(path).toInstant());
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> result = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return result;
    }
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : resolve(prefix.substring(0, slash));
    if (!Files.isDirectory(start)) {
      return result;
    }
    Path tmp = root.resolve(TMP_DIR);
    try (Stream<Path> files = Files.walk(start)) {
      for (Path path : (Iterable<Path>) files::iterator) {
        if (path.startsWith(tmp) || !Files.isRegularFile(path)) {
          continue;
        }
        String key = root.relativize(path).toString().replace('\\', '/');
        if (key.startsWith(prefix)) {
          result.add(new ObjectInfo(key, Files.size(path)));
        }
      }
    }
    result.sort((a, b) -> a.key().compareTo(b.key()));
    return result;
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(resolve(key));
  }

  @Override
  public String location() {
    return root.toString();
  }

  @Override
  public Path scratchDirectory() throws IOException {
    Path dir = root.resolve(TMP_DIR);
    createDirectories(dir);
    return dir;
  }

  private Path newTempFile() throws IOException {
    Path dir = root.resolve(TMP_DIR);
    createDirectories(dir);
    return dir.resolve(UUID.randomUUID() + ".tmp");
  }

  private Path writeTemp(byte[] bytes) throws IOException {
    Path tmp = newTempFile();
    try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
      out.write(bytes);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return tmp;
  }

  /**
   * Publishes a file of the scratch directory as it is, any other through a copy in it, so that the
   * caller's file is never taken.
   */
  private boolean publishFile(Path file, String key, boolean replace) throws IOException {
    if (file.toAbsolutePath().getParent().equals(root.resolve(TMP_DIR))) {
      return publish(file, key, replace);
    }
    Path tmp = newTempFile();
    try {
      Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
      return publish(tmp, key, replace);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Forces the temp file, links or moves it to the key's path, then forces the directory. */
  private boolean publish(Path tmp, String key, boolean replace) throws IOException {
    force(tmp);
    Path target = resolve(key);
    Path dir = target.getParent();
    createDirectories(dir);
    if (replace) {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } else {
      try {
        // link(2) fails atomically when the target exists. A rename replaces it (ATOMIC_MOVE),
        // or is preceded by a separate existence check that a racing writer slips past.
        Files.createLink(target, tmp);
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    force(dir);
    return true;
  }

  private static void force(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private Path resolve(String key) {
    return root.resolve(ObjectKeys.check(key));
  }

  /** Creates missing directories and forces each parent, so new entries survive a crash. */
  private void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null) {
      createDirectories(parent);
    }
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      return;
    }
    if (parent != null) {
      force(parent);
    }
  }
}

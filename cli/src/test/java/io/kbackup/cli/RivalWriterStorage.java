package io.kbackup.cli;

import io.kbackup.storage.FileSystemStorage;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A repository directory shared with another writer, who puts its own object under one key just
 * after this storage was asked whether the key is taken and answered no: the race that a write
 * which checks first and then replaces loses. Every object lives on disk.
 */
final class RivalWriterStorage implements Storage {

  private final FileSystemStorage disk;
  private final String key;
  private final byte[] rival;
  private boolean written;

  RivalWriterStorage(Path root, String key, byte[] rival) {
    this.disk = new FileSystemStorage(root);
    this.key = key;
    this.rival = rival.clone();
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    Optional<ObjectInfo> info = disk.stat(key);
    if (info.isEmpty() && key.equals(this.key) && !written) {
      disk.put(key, rival);
      written = true;
    }
    return info;
  }

  @Override
  public Optional<java.time.Instant> lastModified(String key) throws IOException {
    return disk.lastModified(key);
  }

  @Override
  public void put(String key, Path file) throws IOException {
    disk.put(key, file);
  }

  @Override
  public Path scratchDirectory() throws IOException {
    return disk.scratchDirectory();
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    disk.put(key, bytes);
  }

  @Override
  public boolean putIfAbsent(String key, byte[] bytes) throws IOException {
    return disk.putIfAbsent(key, bytes);
  }

  @Override
  public boolean putIfAbsent(String key, Path file) throws IOException {
    return disk.putIfAbsent(key, file);
  }

  @Override
  public InputStream get(String key, long offset, long length) throws IOException {
    return disk.get(key, offset, length);
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return disk.list(prefix);
  }

  @Override
  public void delete(String key) throws IOException {
    disk.delete(key);
  }

  @Override
  public String location() {
    return disk.location();
  }
}

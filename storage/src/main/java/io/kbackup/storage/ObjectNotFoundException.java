package io.kbackup.storage;

import java.io.IOException;

/** The object asked for does not exist in the storage. */
public class ObjectNotFoundException extends IOException {
  public ObjectNotFoundException(String key) {
    super("object not found: " + key);
  }
}

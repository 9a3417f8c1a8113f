package io.kbackup.repository.crypto;

import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.repository.Json;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The key slots of an encrypted repository, one plain object each under {@code keys/}: adding or
 * removing a passphrase writes or deletes one object and never rewrites the config.
 */
public final class KeySlots {

  public static final String PREFIX = "keys/";

  /** The master key and the slot that opened it. */
  public record Opened(byte[] masterKey, KeySlot slot) {}

  private KeySlots() {}

  /** A new random master key, with a first slot for the passphrase. */
  public static byte[] create(Storage storage, String passphrase, String repositoryId)
      throws IOException {
    byte[] masterKey = KeySlot.random(32);
    add(storage, masterKey, passphrase, repositoryId);
    return masterKey;
  }

  public static KeySlot add(
      Storage storage, byte[] masterKey, String passphrase, String repositoryId)
      throws IOException {
    checkPassphrase(passphrase);
    KeySlot slot = KeySlot.create(masterKey, passphrase, repositoryId);
    storage.put(PREFIX + slot.id() + ".json", Json.write(slot));
    return slot;
  }

  public static List<KeySlot> list(Storage storage) throws IOException {
    List<KeySlot> slots = new ArrayList<>();
    for (ObjectInfo o : storage.list(PREFIX)) {
      slots.add(Json.read(storage.readAll(o.key()), KeySlot.class, o.key()));
    }
    return slots;
  }

  /** Opens the repository's master key with the passphrase, or fails with exit code 12. */
  public static Opened open(Storage storage, String passphrase, String repositoryId)
      throws IOException {
    List<KeySlot> slots = list(storage);
    if (slots.isEmpty()) {
      throw new io.kbackup.error.CorruptDataException(
          storage.location() + " is encrypted but has no key slots under " + PREFIX);
    }
    for (KeySlot slot : slots) {
      Optional<byte[]> key = slot.unwrap(passphrase, repositoryId);
      if (key.isPresent()) {
        return new Opened(key.get(), slot);
      }
    }
    throw new KbackupException(
        ExitCode.WRONG_KEY,
        "the passphrase opens none of the " + slots.size() + " key slots of " + storage.location(),
        "check KBACKUP_PASSWORD, KBACKUP_PASSWORD_FILE, KBACKUP_PASSWORD_COMMAND or --password-file");
  }

  /** Removes a slot; never the last one, and never the one this passphrase opened. */
  public static void remove(Storage storage, String slotId, Opened current) throws IOException {
    List<KeySlot> slots = list(storage);
    if (slots.stream().noneMatch(s -> s.id().equals(slotId))) {
      throw KbackupException.usage(
          "the repository has no key slot " + slotId, "list them with `kbackup key list`");
    }
    if (current.slot().id().equals(slotId)) {
      throw KbackupException.usage(
          "key slot " + slotId + " is the one this passphrase opened",
          "remove it with another passphrase, so that one is known to work");
    }
    storage.delete(PREFIX + slotId + ".json");
  }

  static void checkPassphrase(String passphrase) {
    if (passphrase == null || passphrase.isEmpty()) {
      throw KbackupException.usage("the passphrase is empty", "give a passphrase of several words");
    }
  }
}

package io.kbackup.repository.crypto;

import io.kbackup.error.CorruptDataException;
import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.repository.Documents;
import io.kbackup.repository.Json;
import io.kbackup.storage.ObjectInfo;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key slots of an encrypted repository, one plain object each under {@code keys/}: adding or
 * removing a passphrase writes or deletes one object and never rewrites the config.
 */
public final class KeySlots {

  public static final String PREFIX = "keys/";

  /** Slot objects are named by their id, 8 hexadecimal digits; other objects are no slots. */
  private static final Pattern SLOT_KEY = Pattern.compile("keys/([0-9a-f]{8})\\.json");

  /** A slot takes some 300 bytes; a larger object is not read. */
  private static final int MAX_SLOT_BYTES = 64 << 10;

  /**
   * The master key and the slot that opened it, with a line for each slot object that could not be
   * used (damaged, or asking for more than a slot may).
   */
  public record Opened(byte[] masterKey, KeySlot slot, List<String> skipped) {
    public Opened {
      skipped = List.copyOf(skipped);
    }
  }

  /** The usable slots, and a line for each slot object that is not. */
  record Found(List<KeySlot> slots, List<String> unusable) {}

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

  /** Whether any object is named as a key slot, usable or not. */
  public static boolean anyExist(Storage storage) throws IOException {
    return storage.list(PREFIX).stream().anyMatch(o -> SLOT_KEY.matcher(o.key()).matches());
  }

  /** The usable key slots. */
  public static List<KeySlot> list(Storage storage) throws IOException {
    return find(storage).slots();
  }

  static Found find(Storage storage) throws IOException {
    List<KeySlot> slots = new ArrayList<>();
    List<String> unusable = new ArrayList<>();
    for (ObjectInfo o : storage.list(PREFIX)) {
      Matcher name = SLOT_KEY.matcher(o.key());
      if (!name.matches()) {
        continue; // not a slot: a note or a copy someone left there
      }
      KeySlot slot = null;
      String problem = o.size() + " bytes";
      if (o.size() <= MAX_SLOT_BYTES) {
        try {
          slot = Documents.read(storage, o.key(), MAX_SLOT_BYTES, "a key slot", KeySlot.class);
          problem = slot.problem(name.group(1));
        } catch (CorruptDataException e) {
          problem = "not a key slot";
        }
      }
      if (problem == null) {
        slots.add(slot);
      } else {
        unusable.add("key slot " + o.key() + " cannot be used (" + problem + ")");
      }
    }
    return new Found(slots, unusable);
  }

  /** Opens the repository's master key with the passphrase, or fails with exit code 12. */
  public static Opened open(Storage storage, String passphrase, String repositoryId)
      throws IOException {
    Found found = find(storage);
    List<KeySlot> slots = found.slots();
    if (slots.isEmpty()) {
      throw new CorruptDataException(
          storage.location()
              + " is encrypted but has no usable key slot under "
              + PREFIX
              + (found.unusable().isEmpty() ? "" : ": " + String.join("; ", found.unusable())));
    }
    for (KeySlot slot : slots) {
      Optional<byte[]> key = slot.unwrap(passphrase, repositoryId);
      if (key.isPresent()) {
        return new Opened(key.get(), slot, found.unusable());
      }
    }
    throw new KbackupException(
        ExitCode.WRONG_KEY,
        "the passphrase opens none of the "
            + slots.size()
            + " key slots of "
            + storage.location()
            + (found.unusable().isEmpty()
                ? ""
                : " (" + found.unusable().size() + " more cannot be used: damaged or forged)"),
        "check KBACKUP_PASSWORD, KBACKUP_PASSWORD_FILE, KBACKUP_PASSWORD_COMMAND or --password-file");
  }

  /** Removes a slot; never the last one, and never the one this passphrase opened. */
  public static void remove(Storage storage, String slotId, Opened current) throws IOException {
    if (!SLOT_KEY.matcher(PREFIX + slotId + ".json").matches()
        || storage.stat(PREFIX + slotId + ".json").isEmpty()) {
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

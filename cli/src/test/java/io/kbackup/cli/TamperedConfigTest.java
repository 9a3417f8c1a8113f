package io.kbackup.cli;

import static io.kbackup.cli.BadInputTest.assertOneClearError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An encrypted repository's config.json is plain and its digest proves nothing against someone who
 * edits both. Edited to say "not encrypted", the repository is refused and nothing is written in
 * the clear; any other edit fails its MAC under the master key. Stray or forged key slots are
 * skipped with a warning.
 */
class TamperedConfigTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aConfigEditedToPlainIsRefusedAndNothingIsWrittenInTheClear() throws Exception {
    String b = SharedKafka.primary().bootstrapServers();
    SampleTopics.write(b, "tamper-", 20);
    String repo = encryptedRepository();
    String pass = dir.resolve("pass").toString();
    assertThat(backup(repo, pass, b).exitCode()).isZero();
    Map<Path, String> before = contents(repo);

    editConfig(repo, c -> ((ArrayNode) c.get("features")).removeAll());
    Map<Path, String> edited = contents(repo);

    assertOneClearError(
        backup(repo, pass, b),
        13,
        repo
            + " has key slots under keys/ but its config.json does not list the feature"
            + " encryption: the config was damaged or tampered with");
    assertThat(contents(repo)).isEqualTo(edited);

    // without its key slots the repository cannot be told from one made unencrypted: a
    // passphrase given for it says it should be encrypted, so nothing is written
    try (Stream<Path> slots = Files.list(Path.of(repo, "keys"))) {
      for (Path slot : slots.toList()) {
        Files.delete(slot);
      }
    }
    Map<Path, String> withoutSlots = contents(repo);
    CliRunner.Result refused = backup(repo, pass, b);
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err().lines())
        .containsExactly(
            "kbackup: warning: " + repo + " is not encrypted: the passphrase given is not used",
            "kbackup: error: "
                + repo
                + " is not encrypted, but a passphrase was given: nothing is written unencrypted",
            "  hint: if the repository was created without --encrypt, give no passphrase; if it"
                + " was encrypted, its config.json was changed: put back the original from a"
                + " copy");
    assertThat(contents(repo)).isEqualTo(withoutSlots);
    assertThat(before.keySet()).containsAll(withoutSlots.keySet());
  }

  @Test
  void anyOtherEditOfTheConfigFailsItsMac() throws Exception {
    String repo = encryptedRepository();
    String pass = dir.resolve("pass").toString();

    editConfig(repo, c -> c.put("compressionLevel", 19));

    assertOneClearError(
        CliRunner.run("snapshots", "--repo", repo, "--password-file", pass),
        13,
        "config.json of "
            + repo
            + " does not match its MAC under the master key: it was changed after the repository"
            + " was created");
  }

  @Test
  void aRepositoryFromBeforeTheMacOpensAndGetsOne() throws Exception {
    String repo = encryptedRepository();
    String pass = dir.resolve("pass").toString();
    Path mac = Path.of(repo, "config.json.mac");
    String original = Files.readString(mac);
    Files.delete(mac);

    CliRunner.Result r = CliRunner.run("snapshots", "--repo", repo, "--password-file", pass);

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(Files.readString(mac)).isEqualTo(original).matches("[0-9a-f]{64}\n");
  }

  @Test
  void strayAndForgedKeySlotsAreSkippedWithAWarning() throws Exception {
    String repo = encryptedRepository();
    String pass = dir.resolve("pass").toString();
    Path keys = Path.of(repo, "keys");
    Files.writeString(keys.resolve("README.txt"), "one slot per passphrase");
    Path slot;
    try (Stream<Path> slots = Files.list(keys)) {
      slot = slots.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
    }
    ObjectNode forged = (ObjectNode) JSON.readTree(slot.toFile());
    forged.put("id", "0000000f").put("memoryKiB", 1 << 20);
    JSON.writeValue(keys.resolve("0000000f.json").toFile(), forged);

    CliRunner.Result r = CliRunner.run("snapshots", "--repo", repo, "--password-file", pass);

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err())
        .isEqualTo(
            "kbackup: warning: key slot keys/0000000f.json cannot be used (Argon2 memory 1048576"
                + " KiB is outside 8 to 262144)\n");
  }

  String encryptedRepository() throws Exception {
    Path pass = Files.writeString(dir.resolve("pass"), "correct horse battery staple\n");
    String repo = dir.resolve("repo").toString();
    CliRunner.Result init =
        CliRunner.run("init", "--repo", repo, "--encrypt", "--password-file", pass.toString());
    assertThat(init.exitCode()).as(init.err()).isZero();
    return repo;
  }

  /** A full backup: it reads no earlier (encrypted) manifest, so only the config can stop it. */
  static CliRunner.Result backup(String repo, String pass, String bootstrap) {
    return CliRunner.run(
        "backup",
        "--repo",
        repo,
        "--password-file",
        pass,
        "-b",
        bootstrap,
        "--topics",
        "tamper-.*",
        "--full");
  }

  /** Changes config.json as anyone with write access could: with a digest that matches. */
  static void editConfig(String repo, Consumer<ObjectNode> change) throws Exception {
    Path config = Path.of(repo, "config.json");
    ObjectNode node = (ObjectNode) JSON.readTree(config.toFile());
    change.accept(node);
    byte[] bytes = JSON.writeValueAsBytes(node);
    Files.write(config, bytes);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    Files.writeString(Path.of(repo, "config.json.sha256"), sha + "  config.json\n");
  }

  /** Every stored file and its SHA-256. */
  static Map<Path, String> contents(String repo) throws Exception {
    Map<Path, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(Path.of(repo))) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
        files.put(Path.of(repo).relativize(f), HexFormat.of().formatHex(sha));
      }
    }
    return files;
  }
}

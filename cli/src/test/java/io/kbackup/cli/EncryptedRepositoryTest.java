package io.kbackup.cli;

import static io.kbackup.cli.BadInputTest.assertOneClearError;
import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An encrypted repository: nothing readable is stored, the right passphrase is needed for every
 * command, passphrases rotate without rewriting data, and tampering is found.
 */
class EncryptedRepositoryTest {

  @Test
  void anEncryptedRepositoryKeepsItsSecretsAndItsData(@TempDir Path dir) throws Exception {
    String b = SharedKafka.primary().bootstrapServers();
    SampleTopics.write(b, "enc-", 20);
    Path first = write(dir.resolve("first"), "correct horse battery staple\n");
    Path second = write(dir.resolve("second"), "a second passphrase");
    Path wrong = write(dir.resolve("wrong"), "not-the-passphrase-at-all");
    String repo = dir.resolve("repo").toString();
    String p1 = first.toString();

    CliRunner.Result init =
        CliRunner.run("init", "--repo", repo, "--encrypt", "--password-file", p1);
    assertThat(init.exitCode()).as(init.err()).isZero();
    assertThat(init.out()).startsWith("created encrypted repository ");
    CliRunner.Result backup =
        CliRunner.run(
            "backup", "--repo", repo, "--password-file", p1, "-b", b, "--topics", "enc-.*");
    assertThat(backup.exitCode()).as(backup.err()).isZero();

    // no record, topic name or passphrase is readable in any stored object
    try (Stream<Path> files = Files.walk(Path.of(repo))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertThat(content)
            .as(f.toString())
            .doesNotContain("customer-")
            .doesNotContain("payment-")
            .doesNotContain("correct horse");
        if (f.toString().contains("/snapshots/")) {
          assertThat(content).doesNotContain("enc-orders");
        }
      }
    }

    assertOneClearError(
        CliRunner.run("snapshots", "--repo", repo), 12, "is encrypted and no passphrase was given");
    CliRunner.Result bad =
        CliRunner.run("snapshots", "--repo", repo, "--password-file", wrong.toString());
    assertOneClearError(bad, 12, "the passphrase opens none of the 1 key slots");
    assertThat(bad.err()).doesNotContain("not-the-passphrase");

    CliRunner.Result verify =
        CliRunner.run("verify", "--repo", repo, "--password-file", p1, "--level", "2");
    assertThat(verify.exitCode()).as(verify.err() + verify.out()).isZero();
    CliRunner.Result restore =
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "--password-file",
            p1,
            "-b",
            b,
            "--topics",
            "enc-orders",
            "--topic-map",
            "enc-orders=enc-orders-back",
            "--data-only");
    assertThat(restore.exitCode()).as(restore.err()).isZero();
    assertThat(TopicContents.read(b, "enc-orders-back"))
        .isEqualTo(TopicContents.read(b, "enc-orders"));

    // a second passphrase, then the first one retired
    CliRunner.Result add =
        CliRunner.run(
            "key",
            "add",
            "--repo",
            repo,
            "--password-file",
            p1,
            "--new-password-file",
            second.toString());
    assertThat(add.exitCode()).as(add.err()).isZero();
    CliRunner.Result list =
        CliRunner.run("key", "list", "--repo", repo, "--password-file", second.toString());
    assertThat(list.out().lines().count()).isEqualTo(3);
    String firstSlot =
        CliRunner.run("key", "list", "--repo", repo, "--password-file", p1)
            .out()
            .lines()
            .filter(l -> l.endsWith("this passphrase"))
            .findFirst()
            .orElseThrow()
            .split(" ")[0];
    assertOneClearError(
        CliRunner.run("key", "remove", "--repo", repo, "--password-file", p1, firstSlot),
        2,
        "is the one this passphrase opened");
    assertThat(
            CliRunner.run(
                    "key",
                    "remove",
                    "--repo",
                    repo,
                    "--password-file",
                    second.toString(),
                    firstSlot)
                .exitCode())
        .isZero();
    assertOneClearError(
        CliRunner.run("snapshots", "--repo", repo, "--password-file", p1),
        12,
        "the passphrase opens none of the 1 key slots");
    assertThat(
            CliRunner.run("snapshots", "--repo", repo, "--password-file", second.toString())
                .exitCode())
        .isZero();

    // a changed byte in a segment: verify and restore refuse it
    Path segment;
    try (Stream<Path> files = Files.walk(Path.of(repo, "data", "enc-orders"))) {
      segment = files.filter(f -> f.toString().endsWith(".seg")).findFirst().orElseThrow();
    }
    byte[] sealed = Files.readAllBytes(segment);
    sealed[sealed.length / 2] ^= 0x01;
    Files.write(segment, sealed);
    CliRunner.Result damaged =
        CliRunner.run(
            "verify", "--repo", repo, "--password-file", second.toString(), "--level", "2");
    assertThat(damaged.exitCode()).isEqualTo(13);
    assertThat(damaged.out()).contains("does not decrypt");
    assertOneClearError(
        CliRunner.run(
            "restore",
            "--repo",
            repo,
            "--password-file",
            second.toString(),
            "-b",
            b,
            "--topics",
            "enc-orders",
            "--topic-map",
            "enc-orders=enc-orders-again",
            "--data-only"),
        13,
        "does not decrypt");
  }

  @Test
  void passphrasesComeFromAFileACommandOrTheEnvironmentInThatOrder(@TempDir Path dir)
      throws Exception {
    Path file = write(dir.resolve("p"), "from the file\nsecond line");
    assertThat(
            PassphraseOption.resolve(file, "KBACKUP_PASSWORD", Map.of("KBACKUP_PASSWORD", "env")))
        .isEqualTo("from the file");
    assertThat(
            PassphraseOption.resolve(
                null,
                "KBACKUP_PASSWORD",
                Map.of("KBACKUP_PASSWORD_FILE", file.toString(), "KBACKUP_PASSWORD", "env")))
        .isEqualTo("from the file");
    assertThat(
            PassphraseOption.resolve(
                null,
                "KBACKUP_PASSWORD",
                Map.of(
                    "KBACKUP_PASSWORD_COMMAND",
                    "printf 'from a command\\n'",
                    "KBACKUP_PASSWORD",
                    "x")))
        .isEqualTo("from a command");
    assertThat(
            PassphraseOption.resolve(null, "KBACKUP_PASSWORD", Map.of("KBACKUP_PASSWORD", "env")))
        .isEqualTo("env");
    assertThat(PassphraseOption.resolve(null, "KBACKUP_PASSWORD", Map.of())).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                PassphraseOption.resolve(
                    null,
                    "KBACKUP_PASSWORD",
                    Map.of("KBACKUP_PASSWORD_COMMAND", "echo secret; exit 3")))
        .hasMessage("KBACKUP_PASSWORD_COMMAND failed with exit code 3");
    assertOneClearError(
        CliRunner.run("init", "--repo", dir.resolve("r").toString(), "--encrypt"),
        2,
        "--encrypt needs a passphrase");
    assertThat(List.of()).isEmpty();
  }

  @Test
  void aPassphraseAtInitMeansAnEncryptedRepository(@TempDir Path dir) throws Exception {
    Path pw = write(dir.resolve("pw"), "a passphrase handed over\n");

    // given on the command line, the passphrase alone makes the repository encrypted
    String byFile = dir.resolve("by-file").toString();
    CliRunner.Result init =
        CliRunner.run("init", "--repo", byFile, "--password-file", pw.toString());
    assertThat(init.exitCode()).as(init.err()).isZero();
    assertThat(init.out()).startsWith("created encrypted repository ");
    assertThat(Files.readString(Path.of(byFile, "config.json"))).contains("\"encryption\"");
    assertOneClearError(
        CliRunner.run("snapshots", "--repo", byFile),
        12,
        "is encrypted and no passphrase was given");
    assertThat(
            CliRunner.run("snapshots", "--repo", byFile, "--password-file", pw.toString())
                .exitCode())
        .isZero();
    String contradiction = dir.resolve("contradiction").toString();
    assertOneClearError(
        CliRunner.run(
            "init", "--repo", contradiction, "--no-encrypt", "--password-file", pw.toString()),
        2,
        "--no-encrypt and --password-file contradict each other");
    assertThat(Path.of(contradiction)).doesNotExist();
    Path empty = write(dir.resolve("empty"), "\n");
    assertOneClearError(
        CliRunner.run(
            "init",
            "--repo",
            dir.resolve("empty-pw").toString(),
            "--password-file",
            empty.toString()),
        2,
        "the passphrase from --password-file is empty");

    // set in the environment (perhaps for another repository), it changes nothing by itself
    Map<String, String> sources =
        Map.of(
            "KBACKUP_PASSWORD_FILE",
            pw.toString(),
            "KBACKUP_PASSWORD_COMMAND",
            "cat '" + pw + "'",
            "KBACKUP_PASSWORD",
            "a passphrase handed over");
    try {
      for (var source : sources.entrySet()) {
        PassphraseOption.environment = () -> Map.of(source.getKey(), source.getValue());
        String asked = dir.resolve("asked-" + source.getKey()).toString();
        assertOneClearError(
            CliRunner.run("init", "--repo", asked),
            2,
            source.getKey() + " is set, but neither --encrypt nor --no-encrypt was given");
        assertThat(Path.of(asked, "config.json")).doesNotExist();

        String plain = dir.resolve("plain-" + source.getKey()).toString();
        CliRunner.Result no = CliRunner.run("init", "--repo", plain, "--no-encrypt");
        assertThat(no.exitCode()).as(no.err()).isZero();
        assertThat(no.out()).startsWith("created repository ");
        assertThat(no.err())
            .isEqualTo(
                "kbackup: warning: "
                    + source.getKey()
                    + " is set but not used: the repository is not encrypted, and commands that"
                    + " write to it refuse while a passphrase is given\n");
        assertThat(Files.readString(Path.of(plain, "config.json"))).doesNotContain("encryption");
      }
      // with --encrypt, the passphrase from the environment is the one that opens the repository
      PassphraseOption.environment =
          () -> Map.of("KBACKUP_PASSWORD_COMMAND", sources.get("KBACKUP_PASSWORD_COMMAND"));
      String encrypted = dir.resolve("encrypted").toString();
      CliRunner.Result yes = CliRunner.run("init", "--repo", encrypted, "--encrypt");
      assertThat(yes.exitCode()).as(yes.err()).isZero();
      assertThat(yes.out()).startsWith("created encrypted repository ");
      PassphraseOption.environment = System::getenv;
      assertThat(
              CliRunner.run("snapshots", "--repo", encrypted, "--password-file", pw.toString())
                  .exitCode())
          .isZero();
    } finally {
      PassphraseOption.environment = System::getenv;
    }
    String plain = dir.resolve("plain").toString();
    assertThat(CliRunner.run("init", "--repo", plain).out()).startsWith("created repository ");
  }

  private static Path write(Path file, String text) throws Exception {
    Files.writeString(file, text);
    return file;
  }
}

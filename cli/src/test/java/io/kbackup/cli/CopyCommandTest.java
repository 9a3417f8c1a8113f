package io.kbackup.cli;

import static io.kbackup.cli.BadInputTest.assertOneClearError;
import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** copy sends what the destination lacks, re-encrypting it, and never commits damaged data. */
class CopyCommandTest {

  @Test
  void copyIntoAnEncryptedRepositorySendsOnlyWhatIsMissing(@TempDir Path dir) throws Exception {
    String b = SharedKafka.primary().bootstrapServers();
    SampleTopics.write(b, "copy-", 20);
    String plain = dir.resolve("plain").toString();
    String secret = dir.resolve("secret").toString();
    Path pass = dir.resolve("pass");
    Files.writeString(pass, "copy passphrase");
    assertThat(CliRunner.run("init", "--repo", plain).exitCode()).isZero();
    assertThat(
            CliRunner.run("init", "--repo", secret, "--encrypt", "--password-file", pass.toString())
                .exitCode())
        .isZero();
    assertThat(
            CliRunner.run("backup", "--repo", plain, "-b", b, "--topics", "copy-orders").exitCode())
        .isZero();
    assertThat(CliRunner.run("backup", "--repo", plain, "-b", b, "--topics", "copy-.*").exitCode())
        .isZero();

    CliRunner.Result copy =
        CliRunner.run(
            "copy", "--repo", plain, "--to", secret, "--to-password-file", pass.toString());
    assertThat(copy.exitCode()).as(copy.err()).isZero();
    List<String> lines = copy.out().lines().toList();
    assertThat(lines).hasSize(2);
    // the first snapshot's 3 partitions, each a segment and its index
    assertThat(lines.get(0))
        .matches("copied snapshot \\S+: 6 objects \\(.*\\) sent, 0 already there");
    // the second re-uses the orders segments and adds those of payments and audit
    assertThat(lines.get(1))
        .matches("copied snapshot \\S+: 6 objects \\(.*\\) sent, 6 already there");

    CliRunner.Result again =
        CliRunner.run(
            "copy", "--repo", plain, "--to", secret, "--to-password-file", pass.toString());
    assertThat(again.out().lines().toList()).allMatch(l -> l.endsWith(" is already there"));

    CliRunner.Result verify =
        CliRunner.run(
            "verify", "--repo", secret, "--password-file", pass.toString(), "--level", "2");
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    CliRunner.Result restore =
        CliRunner.run(
            "restore",
            "--repo",
            secret,
            "--password-file",
            pass.toString(),
            "-b",
            b,
            "--topics",
            "copy-orders",
            "--topic-map",
            "copy-orders=copy-orders-copied",
            "--data-only");
    assertThat(restore.exitCode()).as(restore.err()).isZero();
    assertThat(TopicContents.read(b, "copy-orders-copied"))
        .isEqualTo(TopicContents.read(b, "copy-orders"));

    // a damaged source object stops the copy before the snapshot is committed
    String third = dir.resolve("third").toString();
    assertThat(CliRunner.run("init", "--repo", third).exitCode()).isZero();
    Path segment;
    try (Stream<Path> files = Files.walk(Path.of(plain, "data", "copy-audit"))) {
      segment = files.filter(f -> f.toString().endsWith(".seg")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length - 1] ^= 0x01;
    Files.write(segment, bytes);
    CliRunner.Result damaged = CliRunner.run("copy", "--repo", plain, "--to", third);
    assertOneClearError(damaged, 13, "in the source: SHA-256 is ");
    assertThat(CliRunner.run("snapshots", "--repo", third, "--json").out().lines().count())
        .isEqualTo(1); // the first snapshot, which does not need the damaged object

    assertOneClearError(
        CliRunner.run("copy", "--repo", plain, "--to", plain),
        2,
        "--to is the same repository as --repo");
  }
}

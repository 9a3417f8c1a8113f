package io.kbackup.cli;

import static io.kbackup.cli.BadInputTest.assertOneClearError;
import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Documents other than manifests, forged in a repository on disk: a lock, a backup's progress or a
 * restore state with a hostile key or offset ends the command in one line naming the document (exit
 * 13), with no stack trace and no control character of the forgery on the terminal, and nothing is
 * deleted or sent because of it.
 */
class ForgedDocumentTest {

  static final String NOW = "2026-12-04T09:00:00Z";

  @TempDir Path dir;
  String repo;

  @BeforeEach
  void repository() {
    repo = dir.resolve("repo").toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
  }

  @Test
  void aLockWhoseIdLeavesItsObjectIsExit13UntilUnlockRemovesIt() throws Exception {
    String key = "locks/6f1d2b1e-0c1f-4a5e-8d3b-2a1c0e9f8b7d.json";
    // removing this lock would delete config.json; its host would clear the terminal
    write(
        key,
        """
        {"id": "../config", "kind": "exclusive", "host": "h\\u001b[2J", "pid": 1,
         "command": "prune", "createdAt": "%s", "refreshedAt": "%s"}
        """
            .formatted(NOW, NOW));

    CliRunner.Result verify = CliRunner.run("verify", "--repo", repo);
    assertOneClearError(
        verify,
        13,
        key + ": not a lock kbackup wrote: its id \"../config\" is not the name of its object");
    assertThat(verify.err()).contains("kbackup unlock --remove-all").doesNotContain("\u001b");

    CliRunner.Result unlock = CliRunner.run("unlock", "--repo", repo, "--remove-all");
    assertThat(unlock.exitCode()).as(unlock.err()).isZero();
    assertThat(unlock.out().trim()).isEqualTo("removed damaged lock object " + key);
    assertThat(Path.of(repo, "config.json")).exists();
    assertThat(Path.of(repo, key)).doesNotExist();
    assertThat(CliRunner.run("verify", "--repo", repo).exitCode()).isZero();
  }

  @Test
  void progressListingASegmentOutsideTheRepositoryIsExit13AndPruneDeletesNothing()
      throws Exception {
    String key = "progress/0f8e2c4a-77aa-4b1e-9d2c-3e4f5a6b7c8d.json";
    write(
        key,
        """
        {"runId": "0f8e2c4a-77aa-4b1e-9d2c-3e4f5a6b7c8d", "lockId": "gone",
         "clusterId": "c", "startedAt": "%s", "partitions": [{"topic": "orders",
         "topicId": "t", "partition": 0, "readFrom": 0, "segments": [{
           "key": "data/../../etc/passwd", "size": 10, "indexKey": "data/orders/0/a.idx",
           "indexSize": 16, "firstOffset": 0, "lastOffset": 9, "recordCount": 10}]}]}
        """
            .formatted(NOW));
    write("data/orders/0/old.seg", "left behind");

    CliRunner.Result prune = CliRunner.run("prune", "--repo", repo, "--grace", "0h");
    assertOneClearError(
        prune,
        13,
        key
            + ": lists a segment without a valid key under data/: \"data/../../etc/passwd\","
            + " index \"data/orders/0/a.idx\"");
    assertThat(prune.err()).contains("delete " + key + " when no backup runs");
    assertThat(Path.of(repo, "data/orders/0/old.seg")).exists();
  }

  @Test
  void aRestoreStateWithANegativeStartOffsetIsExit13AndSendsNothing() throws Exception {
    String b = SharedKafka.primary().bootstrapServers();
    SampleTopics.write(b, "forged-", 10);
    assertThat(CliRunner.run("backup", "--repo", repo, "-b", b, "--topics", "forged-.*").exitCode())
        .isZero();
    String[] restore = {
      "restore",
      "--repo",
      repo,
      "-b",
      b,
      "--topics",
      "forged-audit",
      "--topic-map",
      "forged-audit=forged-audit-copy"
    };
    CliRunner.Result first = CliRunner.run(restore);
    assertThat(first.exitCode()).as(first.err()).isZero();
    Matcher id = Pattern.compile("restore id (\\S+)").matcher(first.out());
    assertThat(id.find()).as(first.out()).isTrue();
    String key = "restores/" + id.group(1) + ".json";
    Path state = Path.of(repo, key);
    String text = Files.readString(state);
    // a resumed restore would skip or send records by this offset
    Files.writeString(
        state, text.replaceFirst("\"targetStartOffset\" : 0", "\"targetStartOffset\" : -5"));

    CliRunner.Result again = CliRunner.run(restore);
    assertOneClearError(
        again,
        13,
        key
            + ": it lists a partition that cannot be: target \"forged-audit-copy\" partition 0"
            + " from offset -5");
    assertThat(again.err()).contains("delete " + key);
  }

  private void write(String key, String content) throws Exception {
    Path file = Path.of(repo, key);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}

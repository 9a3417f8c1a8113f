package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SampleTopics;
import io.kbackup.localkafka.SharedKafka;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recovery drill restores into scratch topics, compares, cleans up and keeps its result. */
class DrillCommandTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aDrillProvesTheSnapshotRestoresAndLeavesNothingBehind(@TempDir Path dir) throws Exception {
    LocalKafka kafka = SharedKafka.primary();
    String b = kafka.bootstrapServers();
    SampleTopics.write(b, "drill-", 40);
    String repo = dir.resolve("repo").toString();
    assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
    CliRunner.Result backup =
        CliRunner.run("backup", "--repo", repo, "-b", b, "--topics", "drill-.*");
    assertThat(backup.exitCode()).as(backup.err()).isZero();

    CliRunner.Result drill = CliRunner.run("drill", "--repo", repo, "-b", b, "--json");
    assertThat(drill.exitCode()).as(drill.err()).isZero();
    JsonNode result = JSON.readTree(drill.out());
    assertThat(result.get("passed").asBoolean()).isTrue();
    // orders: 3 partitions of 40; payments: 30 committed of 40; audit: 20
    assertThat(result.get("records").asLong()).isEqualTo(3 * 40 + 30 + 20);
    assertThat(result.get("topics").asInt()).isEqualTo(3);
    assertThat(result.get("partitions").asInt()).isEqualTo(6);
    assertThat(scratchTopics(b)).isEmpty();
    assertThat(Files.list(Path.of(repo, "restores")).toList()).isEmpty();

    CliRunner.Result list = CliRunner.run("snapshots", "--repo", repo);
    assertThat(list.out().lines().toList().get(1)).contains(" passed ");
    JsonNode listed = JSON.readTree(CliRunner.run("snapshots", "--repo", repo, "--json").out());
    assertThat(listed.get("lastDrill").get("passed").asBoolean()).isTrue();
    assertThat(listed.get("lastDrill").get("records").asLong()).isEqualTo(170);

    // a damaged segment: the drill fails with the damage named, and still cleans up
    // a byte inside a batch's records, which its CRC32C covers
    var repository =
        io.kbackup.repository.Repository.open(
            new io.kbackup.storage.FileSystemStorage(Path.of(repo)));
    var info =
        repository.latestSnapshot().orElseThrow().topics().stream()
            .filter(t -> t.name().equals("drill-orders"))
            .findFirst()
            .orElseThrow()
            .partitions()
            .get(1)
            .segments()
            .get(0);
    var batch =
        io.kbackup.segment.SegmentReader.readIndex(repository.storage(), info).entries().get(0);
    Path segment = Path.of(repo).resolve(info.key());
    long at = batch.position() + 61 + batch.size() / 2;
    try (FileChannel ch =
        FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer old = java.nio.ByteBuffer.allocate(1);
      ch.read(old, at);
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) ~old.get(0)}), at);
    }
    CliRunner.Result damaged = CliRunner.run("drill", "--repo", repo, "-b", b);
    BadInputTest.assertOneClearError(damaged, 13, segment.getFileName().toString());
    assertThat(scratchTopics(b)).isEmpty();
  }

  private static List<String> scratchTopics(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      return admin.listTopics().names().get().stream()
          .filter(t -> t.startsWith("kbackup-drill-"))
          .toList();
    }
  }
}

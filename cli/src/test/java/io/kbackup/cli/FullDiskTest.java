package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SharedKafka;
import io.kbackup.localkafka.TopicContents;
import io.kbackup.repository.Repository;
import io.kbackup.storage.FileSystemStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository on a file system that fills up during a backup: one clear error, no snapshot, the
 * earlier snapshots intact, and with space again the next backup completes with exact data. The
 * full disk is a real one: a 2 MiB tmpfs, which needs the right to mount (root).
 */
class FullDiskTest {

  @Test
  void aBackupThatFillsTheDiskCommitsNothingAndTheNextOneCompletes(@TempDir Path dir)
      throws Exception {
    Path mount = dir.resolve("small-disk");
    Files.createDirectories(mount);
    Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString()) == 0,
        "mounting a tmpfs needs root");
    try {
      LocalKafka kafka = SharedKafka.primary();
      String b = kafka.bootstrapServers();
      try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", b))) {
        admin
            .createTopics(
                List.of(
                    new NewTopic("disk-small", 1, (short) 1),
                    new NewTopic("disk-big", 1, (short) 1)))
            .all()
            .get();
      }
      produce(b, "disk-small", 200);
      produce(b, "disk-big", 12_000); // about 5 MiB, little of it compressible
      String repo = mount.resolve("repo").toString();
      assertThat(CliRunner.run("init", "--repo", repo).exitCode()).isZero();
      CliRunner.Result small =
          CliRunner.run("backup", "--repo", repo, "-b", b, "--topics", "disk-small");
      assertThat(small.exitCode()).as(small.err()).isZero();

      CliRunner.Result full =
          CliRunner.run("backup", "--repo", repo, "-b", b, "--topics", "disk-(small|big)");
      BadInputTest.assertOneClearError(full, 1, "No space left on device");
      assertThat(full.err()).contains("nothing was committed");
      Repository repository = Repository.open(new FileSystemStorage(Path.of(repo)));
      assertThat(repository.snapshots()).hasSize(1);
      assertThat(repository.storage().list("locks/")).isEmpty();

      // the earlier snapshot still restores exactly
      CliRunner.Result restore =
          CliRunner.run(
              "restore",
              "--repo",
              repo,
              "-b",
              b,
              "--topic-map",
              "disk-small=disk-small-restored",
              "--data-only");
      assertThat(restore.exitCode()).as(restore.err()).isZero();
      assertThat(TopicContents.read(b, "disk-small-restored"))
          .isEqualTo(TopicContents.read(b, "disk-small"));

      assertThat(run("mount", "-o", "remount,size=64m", mount.toString())).isZero();
      CliRunner.Result again =
          CliRunner.run("backup", "--repo", repo, "-b", b, "--topics", "disk-(small|big)");
      assertThat(again.exitCode()).as(again.err()).isZero();
      assertThat(repository.snapshots()).hasSize(2);
      assertThat(repository.latestSnapshot().orElseThrow().recordCount()).isEqualTo(12_200);
    } finally {
      assertThat(run("umount", mount.toString())).isZero();
    }
  }

  static void produce(String bootstrap, String topic, int count) throws Exception {
    Random random = new Random(7);
    try (KafkaProducer<byte[], byte[]> producer = TestTopics.producer(bootstrap)) {
      for (int i = 0; i < count; i++) {
        byte[] noise = new byte[300];
        random.nextBytes(noise);
        producer.send(
            new ProducerRecord<>(
                topic,
                0,
                ("k" + i).getBytes(StandardCharsets.UTF_8),
                Base64.getEncoder().encode(noise)));
      }
      producer.flush();
    }
  }

  static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}

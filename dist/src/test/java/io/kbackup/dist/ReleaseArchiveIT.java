package io.kbackup.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kbackup.localkafka.LocalKafka;
import io.kbackup.localkafka.SampleTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as a user gets it: unpacked with tar, run through its launcher with nothing
 * but Java, against a real broker.
 */
class ReleaseArchiveIT {

  static final String VERSION = System.getProperty("kbackup.version");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Path home;
  static Path launcher;
  static Path tools;
  static LocalKafka kafka;

  @BeforeAll
  static void unpackTheArchive() throws Exception {
    Path archive = Path.of(System.getProperty("kbackup.archive"));
    Path unpacked = Files.createDirectories(dir.resolve("install"));
    Process tar =
        new ProcessBuilder("tar", "xzf", archive.toString(), "-C", unpacked.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(tar.getInputStream().readAllBytes());
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as(out).isZero();
    home = unpacked.resolve("kbackup-" + VERSION);
    launcher = home.resolve("bin/kbackup");
    tools = Launcher.toolsOnly(dir.resolve("tools"));
  }

  @AfterAll
  static void stopTheBroker() {
    if (kafka != null) {
      kafka.stop();
    }
  }

  /**
   * What a user's shell holds: Java in JAVA_HOME, a PATH without java or Maven, a home; and JVM
   * options that start the short commands of a test faster, through the launcher's variable.
   */
  static Map<String, String> javaHomeOnly() {
    return Map.of(
        "JAVA_HOME", System.getProperty("java.home"),
        "PATH", tools.toString(),
        "HOME", dir.toString(),
        "KBACKUP_JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
  }

  @Test
  void theArchiveHoldsTheLauncherTheJarsTheDocsAndTheOpsFiles() throws Exception {
    assertThat(Files.isExecutable(launcher)).isTrue();
    assertThat(home.resolve("README.md")).exists();
    for (String doc : List.of("ERRORS.md", "FORMAT.md", "RUNBOOK.md")) {
      assertThat(home.resolve("docs").resolve(doc)).exists();
    }
    assertThat(home.resolve("ops/prometheus/kbackup-alerts.yml")).exists();
    assertThat(home.resolve("ops/grafana/kbackup-dashboard.json")).exists();
    List<String> jars;
    try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
      jars = lib.map(p -> p.getFileName().toString()).toList();
    }
    assertThat(jars)
        .contains(
            "kbackup-cli-" + VERSION + ".jar",
            "kbackup-engine-" + VERSION + ".jar",
            "kbackup-repository-" + VERSION + ".jar",
            "kbackup-storage-" + VERSION + ".jar")
        .anyMatch(j -> j.startsWith("kafka-clients-"))
        .anyMatch(j -> j.startsWith("picocli-"))
        .allMatch(j -> j.endsWith(".jar"))
        .noneMatch(j -> j.startsWith("junit") || j.startsWith("assertj") || j.contains("tests"));
  }

  @Test
  void versionNamesTheProjectVersionAndTheCommit() throws Exception {
    Launcher.Result r = Launcher.run(launcher, javaHomeOnly(), "--version");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .matches("kbackup \\Q" + VERSION + "\\E \\(commit ([0-9a-f]{7,}|unknown)\\)\n");
  }

  @Test
  void backsUpATopicOfARealBrokerIntoALocalRepository() throws Exception {
    kafka = LocalKafka.start(dir.resolve("kafka"));
    SampleTopics.write(kafka.bootstrapServers(), "dist-", 10);
    String repo = dir.resolve("repo").toString();

    Launcher.Result init = Launcher.run(launcher, javaHomeOnly(), "init", "--repo", repo);
    Launcher.Result backup =
        Launcher.run(
            launcher,
            javaHomeOnly(),
            "backup",
            "--repo",
            repo,
            "--bootstrap-server",
            kafka.bootstrapServers(),
            "--topics",
            "dist-.*",
            "--json");
    Launcher.Result snapshots =
        Launcher.run(launcher, javaHomeOnly(), "snapshots", "--repo", repo, "--json");

    assertThat(init.exitCode()).as(init.err()).isZero();
    assertThat(backup.exitCode()).as(backup.err()).isZero();
    assertThat(snapshots.exitCode()).as(snapshots.err()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : snapshots.out().lines().toList()) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines).hasSize(1);
    JsonNode snapshot = lines.get(0);
    assertThat(snapshot.get("type").asText()).isEqualTo("snapshot");
    // the sample topics hold 80 records in 6 partitions with 10 orders per partition
    assertThat(snapshot.get("records").asLong()).isEqualTo(80);
    assertThat(snapshot.get("partitions").asInt()).isEqualTo(6);
    List<String> topics = new ArrayList<>();
    snapshot.get("topics").forEach(t -> topics.add(t.asText()));
    assertThat(topics).containsExactlyInAnyOrder("dist-orders", "dist-payments", "dist-audit");
  }

  @Test
  void refusesAJavaOlderThan17InOneLine() throws Exception {
    Path oldJava = dir.resolve("java11");
    Files.createDirectories(oldJava.resolve("bin"));
    Path java = oldJava.resolve("bin/java");
    Files.writeString(
        java,
        "#!/bin/sh\n"
            + "echo 'openjdk version \"11.0.22\" 2024-01-16' >&2\n"
            + "echo 'OpenJDK Runtime Environment (build 11.0.22+7)' >&2\n");
    assertThat(java.toFile().setExecutable(true)).isTrue();

    Launcher.Result r =
        Launcher.run(
            launcher,
            Map.of("JAVA_HOME", oldJava.toString(), "PATH", tools.toString()),
            "--version");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "kbackup: error: kbackup needs Java 17 or later, but "
                + java
                + " is version 11.0.22\n"
                + "  hint: set JAVA_HOME to a Java 17 or later installation\n");
  }

  @Test
  void saysSoWhenThereIsNoJava() throws Exception {
    Launcher.Result r = Launcher.run(launcher, Map.of("PATH", tools.toString()), "--version");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "kbackup: error: no Java found: JAVA_HOME is not set and java is not on PATH\n"
                + "  hint: install Java 17 or later, then set JAVA_HOME to it or put its bin folder"
                + " on PATH\n");
  }

  @Test
  void aJavaHomeWithoutJavaIsNamed() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("no-java-here"));

    Launcher.Result r =
        Launcher.run(
            launcher, Map.of("JAVA_HOME", empty.toString(), "PATH", tools.toString()), "--version");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "kbackup: error: JAVA_HOME is "
                + empty
                + ", which has no bin/java\n"
                + "  hint: set JAVA_HOME to a Java 17 or later installation, or unset it to use"
                + " java from PATH\n");
  }

  @Test
  void runsThroughASymbolicLinkFromAnotherFolder() throws Exception {
    Path link = Files.createDirectories(dir.resolve("links")).resolve("kbackup");
    Files.createSymbolicLink(link, launcher);

    Launcher.Result r = Launcher.run(link, javaHomeOnly(), "completion", "bash");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("function _picocli_kbackup_backup()");
  }
}

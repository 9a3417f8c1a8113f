package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

  @Test
  void theDemoRestoresEverySampleRecordAndSaysWhereTheRepositoryIs(@TempDir Path dir) {
    CliRunner.Result r = CliRunner.run("demo", "--dir", dir.toString(), "--records", "300");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("orders        900 records before,    900 after: identical");
    assertThat(r.out()).contains("payments       30 records before,     30 after: identical");
    assertThat(r.out()).contains("demo passed: every record restored exactly");
    // offset 8 of payments lies in the aborted transaction: the group resumes on the next record
    assertThat(r.out())
        .contains("consumer group order-readers set to {orders-0=150, payments-0=5}");
    assertThat(r.out()).contains("repository: " + dir.resolve("repository"));
    assertThat(Files.exists(dir.resolve("repository").resolve("config.json"))).isTrue();
  }
}

package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

  @Test
  void showsShareRateAndTimeLeft() {
    assertThat(
            ProgressLine.render("backup", 250_000, 1_000_000, 300L << 20, Duration.ofSeconds(10)))
        .isEqualTo("backup  25% 250,000 of 1,000,000 records  300.0 MiB  30.0 MiB/s  ETA 0:30");
    assertThat(
            ProgressLine.render("restore", 1_000_000, 1_000_000, 1L << 30, Duration.ofSeconds(8)))
        .isEqualTo("restore  100% 1,000,000 of 1,000,000 records  1.0 GiB  128.0 MiB/s");
    assertThat(ProgressLine.render("backup", 42, -1, 4096, Duration.ofSeconds(1)))
        .isEqualTo("backup  42 records  4.0 KiB  4.0 KiB/s");
  }
}

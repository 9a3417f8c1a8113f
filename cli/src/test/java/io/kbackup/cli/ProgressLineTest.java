package io.kbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kbackup.cli.ProgressLine.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

  @Test
  void showsShareRateAndTimeLeft() {
    assertThat(
            new Status("records", 250_000, 1_000_000, 300L << 20, -1, Duration.ofSeconds(10))
                .line("backup"))
        .isEqualTo("backup  25% 250,000 of 1,000,000 records  300.0 MiB  30.0 MiB/s  ETA 0:30");
    assertThat(
            new Status("records", 1_000_000, 1_000_000, 1L << 30, -1, Duration.ofSeconds(8))
                .line("restore"))
        .isEqualTo("restore  100% 1,000,000 of 1,000,000 records  1.0 GiB  128.0 MiB/s");
    assertThat(new Status("records", 42, -1, 4096, -1, Duration.ofSeconds(1)).line("backup"))
        .isEqualTo("backup  42 records  4.0 KiB  4.0 KiB/s");
  }

  @Test
  void aKnownTotalOfBytesGivesTheShareAndTimeLeft() throws Exception {
    Status status = new Status("objects", 3, 4, 100L << 20, 400L << 20, Duration.ofSeconds(10));

    assertThat(status.line("verify"))
        .isEqualTo("verify  25% 3 of 4 objects  100.0 MiB of 400.0 MiB  10.0 MiB/s  ETA 0:30");
    assertThat(json(status.json("verify", false)))
        .isEqualTo(
            "{\"operation\":\"verify\",\"objects\":3,\"expectedObjects\":4,\"bytes\":104857600,"
                + "\"expectedBytes\":419430400,\"objectsPerSecond\":0.3,"
                + "\"bytesPerSecond\":10485760.0,\"etaSeconds\":30,\"elapsedSeconds\":10.0}");
  }

  @Test
  void statusLinesLeaveOutWhatIsNotKnownAndTheTimeLeftOnceTheWorkEnded() throws Exception {
    assertThat(
            json(
                new Status("records", 42, -1, 4096, -1, Duration.ofMillis(1500))
                    .json("backup", false)))
        .isEqualTo(
            "{\"operation\":\"backup\",\"records\":42,\"bytes\":4096,\"recordsPerSecond\":28.0,"
                + "\"bytesPerSecond\":2730.7,\"elapsedSeconds\":1.5}");
    assertThat(
            json(
                new Status("records", 80, 98, 4096, -1, Duration.ofSeconds(1))
                    .json("backup", true)))
        .isEqualTo(
            "{\"operation\":\"backup\",\"records\":80,\"expectedRecords\":98,\"bytes\":4096,"
                + "\"recordsPerSecond\":80.0,\"bytesPerSecond\":4096.0,\"elapsedSeconds\":1.0}");
  }

  private static String json(Object value) throws Exception {
    return new ObjectMapper().writeValueAsString(value);
  }
}

package io.kbackup.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import io.kbackup.retention.CalendarSpan;
import io.kbackup.retention.RetentionPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetentionWindowTest {

  static final Duration DAILY = Duration.ofDays(1);

  @Test
  void eachRuleKeepsASnapshotOnePeriodLessThanItsCountOld() {
    assertThat(window(new RetentionPolicy(0, 0, 7, 0, 0, 0, null), DAILY))
        .isEqualTo(Duration.ofDays(6));
    assertThat(window(new RetentionPolicy(0, 0, 0, 4, 0, 0, null), DAILY))
        .isEqualTo(Duration.ofDays(21));
    assertThat(window(new RetentionPolicy(0, 0, 0, 0, 12, 0, null), DAILY))
        .isEqualTo(Duration.ofDays(330));
    assertThat(window(new RetentionPolicy(0, 0, 0, 0, 0, 2, null), DAILY))
        .isEqualTo(Duration.ofDays(365));
    assertThat(window(new RetentionPolicy(10, 0, 0, 0, 0, 0, null), Duration.ofHours(6)))
        .isEqualTo(Duration.ofHours(54));
    assertThat(window(new RetentionPolicy(1, 0, 1, 0, 0, 0, null), DAILY)).isEqualTo(Duration.ZERO);
  }

  @Test
  void rarerBackupsThanThePeriodStretchTheRule() {
    // 24 hourly snapshots of daily backups are 24 daily snapshots
    assertThat(window(new RetentionPolicy(0, 24, 0, 0, 0, 0, null), DAILY))
        .isEqualTo(Duration.ofDays(23));
  }

  @Test
  void withinCountsMonthsAsThirtyDaysAndYearsAs365AndTheLongestRuleWins() {
    CalendarSpan span = CalendarSpan.parse("1y6m2w36h", "--keep-within");
    assertThat(window(new RetentionPolicy(0, 0, 7, 0, 0, 0, span), DAILY))
        .isEqualTo(Duration.ofDays(365 + 180 + 14).plusHours(36));
    assertThat(
            window(
                new RetentionPolicy(0, 0, 7, 4, 0, 0, CalendarSpan.parse("10d", "--keep-within")),
                DAILY))
        .isEqualTo(Duration.ofDays(21));
  }

  @Test
  void noRuleKeepsEverySnapshot() {
    assertThat(RetentionWindow.of(new RetentionPolicy(0, 0, 0, 0, 0, 0, null), DAILY)).isEmpty();
  }

  @Test
  void retainedStorageIsAFullBackupPlusTheWindowsGrowth() {
    assertThat(Estimate.retained(1_000_000, 10_000, Duration.ofDays(6))).isEqualTo(1_060_000);
    assertThat(Estimate.retained(1_000_000, 10_000, Duration.ofHours(36))).isEqualTo(1_015_000);
    assertThat(Estimate.retained(1_000_000, 10_000, Duration.ZERO)).isEqualTo(1_000_000);
  }

  @Test
  void theWriteRateIsTheSampleOverTheTimeFromItsOldestRecordUntilNow() {
    var tp = new org.apache.kafka.common.TopicPartition("t", 0);
    long now = 1_700_000_000_000L;
    assertThat(Estimate.rate(new RecordSample.Measured(tp, 600, 0, 0, now - 60_000), now))
        .isEqualTo(10.0);
    assertThat(Estimate.rate(new RecordSample.Measured(tp, 5, 0, 0, now), now)).isEqualTo(5.0);
    assertThat(Estimate.rate(new RecordSample.Measured(tp, 5, 0, 0, -1), now)).isZero();
  }

  private static Duration window(RetentionPolicy policy, Duration interval) {
    return RetentionWindow.of(policy, interval).orElseThrow();
  }
}

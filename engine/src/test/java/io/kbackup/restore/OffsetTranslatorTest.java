package io.kbackup.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OffsetTranslatorTest {

  // source offsets 0-4 -> 100-104, a gap at 5 (a transaction marker), 6-10 aborted, 11 marker,
  // 12-16 -> 105-109, then 20 -> 110 after compaction removed 17-19
  final OffsetTranslator translator =
      new OffsetTranslator(
          List.of(
              new OffsetRange(0, 100, 5), new OffsetRange(12, 105, 5), new OffsetRange(20, 110, 1)),
          111);

  @Test
  void anOffsetOfARestoredRecordGoesToThatRecord() {
    assertThat(translator.translate(0)).isEqualTo(100);
    assertThat(translator.translate(3)).isEqualTo(103);
    assertThat(translator.translate(12)).isEqualTo(105);
    assertThat(translator.translate(16)).isEqualTo(109);
    assertThat(translator.translate(20)).isEqualTo(110);
  }

  @Test
  void anOffsetInAGapGoesToTheNextRestoredRecord() {
    assertThat(translator.translate(5)).isEqualTo(105);
    assertThat(translator.translate(8)).isEqualTo(105);
    assertThat(translator.translate(11)).isEqualTo(105);
    assertThat(translator.translate(17)).isEqualTo(110);
    assertThat(translator.translate(19)).isEqualTo(110);
  }

  @Test
  void anOffsetAfterEveryRestoredRecordGoesToTheEndOfTheRestoredData() {
    assertThat(translator.translate(21)).isEqualTo(111);
    assertThat(translator.translate(1_000_000)).isEqualTo(111);
    assertThat(new OffsetTranslator(List.of(), 7).translate(0)).isEqualTo(7);
  }

  @Test
  void anOffsetBeforeTheSnapshotGoesToTheFirstRestoredRecord() {
    OffsetTranslator trimmed = new OffsetTranslator(List.of(new OffsetRange(250, 0, 850)), 850);
    assertThat(trimmed.translate(0)).isZero();
    assertThat(trimmed.translate(249)).isZero();
    assertThat(trimmed.translate(300)).isEqualTo(50);
  }
}

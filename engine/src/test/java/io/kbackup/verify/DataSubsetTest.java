package io.kbackup.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.error.KbackupException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DataSubsetTest {

  static final List<String> KEYS =
      IntStream.range(0, 40).mapToObj(i -> "data/t/0/segment-" + i + ".seg").toList();

  @Test
  void parsesSlicesAndPercentages() {
    assertThat(DataSubset.parse("1/5")).hasToString("1/5");
    assertThat(DataSubset.parse("5/5")).hasToString("5/5");
    assertThat(DataSubset.parse("10%")).hasToString("10%");
    assertThat(DataSubset.parse("2.5%")).hasToString("2.5%");
    assertThat(DataSubset.parse("100%")).hasToString("100%");
  }

  @Test
  void refusesAnythingElseAsAUsageError() {
    for (String bad :
        List.of("0/5", "6/5", "1/0", "/5", "1/", "0%", "101%", "-1%", "%", "10", "a/b", "1/5/7")) {
      assertThatThrownBy(() -> DataSubset.parse(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              KbackupException.class,
              e -> {
                assertThat(e.exitCode()).isEqualTo(2);
                assertThat(e.getMessage())
                    .isEqualTo(
                        "--read-data-subset must be N/T with 1 <= N <= T, or P% with 0 < P <="
                            + " 100, not '"
                            + bad
                            + "'");
                assertThat(e.hint()).contains("--read-data-subset 1/7");
              });
    }
  }

  @Test
  void theSlicesOfOneSplitPartitionTheKeys() {
    Set<String> seen = new HashSet<>();
    int total = 0;
    for (int n = 1; n <= 3; n++) {
      List<String> slice = DataSubset.parse(n + "/3").select(KEYS, Map.of());
      assertThat(slice).isNotEmpty();
      assertThat(slice).isEqualTo(DataSubset.parse(n + "/3").select(KEYS, Map.of()));
      seen.addAll(slice);
      total += slice.size();
    }
    assertThat(total).isEqualTo(KEYS.size());
    assertThat(seen).containsExactlyInAnyOrderElementsOf(KEYS);
  }

  @Test
  void aSliceDependsOnlyOnTheKey() {
    assertThat(DataSubset.sliceOf("data/orders/0/a.seg", 7))
        .isEqualTo(DataSubset.sliceOf("data/orders/0/a.seg", 7))
        .isBetween(1, 7);
    assertThat(DataSubset.parse("1/1").select(KEYS, Map.of())).isEqualTo(KEYS);
  }

  @Test
  void aPercentageTakesTheLeastRecentlyVerifiedFirstRoundingUp() {
    Instant t = Instant.parse("2026-11-01T00:00:00Z");
    List<String> keys = List.of("a", "b", "c", "d", "e");
    Map<String, Instant> verified =
        Map.of("a", t.plusSeconds(40), "b", t.plusSeconds(10), "d", t.plusSeconds(30));

    // never verified (c, e) come first, then the oldest verification (b)
    assertThat(DataSubset.parse("50%").select(keys, verified)).containsExactly("c", "e", "b");
    assertThat(DataSubset.parse("1%").select(keys, verified)).containsExactly("c");
    assertThat(DataSubset.parse("100%").select(keys, verified))
        .containsExactly("c", "e", "b", "d", "a");
  }
}

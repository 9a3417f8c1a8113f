package io.kbackup.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kbackup.error.KbackupException;
import io.kbackup.retention.Retention.Dated;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RetentionTest {

  static final Instant T0 = Instant.parse("2026-03-01T00:30:00Z");

  /** Snapshots every {@code step} from T0, named s0, s1, … */
  static List<Dated> every(Duration step, int count) {
    List<Dated> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(new Dated("s" + i, T0.plus(step.multipliedBy(i))));
    }
    return list;
  }

  static RetentionPolicy policy(
      int last, int hourly, int daily, int weekly, int monthly, int yearly, String within) {
    return new RetentionPolicy(
        last,
        hourly,
        daily,
        weekly,
        monthly,
        yearly,
        within == null ? null : CalendarSpan.parse(within, "--keep-within"));
  }

  @Test
  void goldenCases() {
    // hourly for three days; the newest three hours and the newest of the two latest days
    Retention.Decision hourly =
        Retention.apply(every(Duration.ofHours(1), 72), policy(0, 3, 2, 0, 0, 0, null));
    assertThat(hourly.keep())
        .containsExactly(
            Map.entry("s71", List.of("newest", "hourly", "daily")),
            Map.entry("s70", List.of("hourly")),
            Map.entry("s69", List.of("hourly")),
            Map.entry("s47", List.of("daily")));
    assertThat(hourly.remove()).hasSize(68).startsWith("s68").endsWith("s0");

    assertThat(
            Retention.apply(every(Duration.ofMinutes(10), 10), policy(3, 0, 0, 0, 0, 0, null))
                .keep()
                .keySet())
        .containsExactly("s9", "s8", "s7");

    // within 2 days of the newest, the boundary included
    assertThat(
            Retention.apply(every(Duration.ofHours(12), 10), policy(0, 0, 0, 0, 0, 0, "2d"))
                .keep()
                .keySet())
        .containsExactly("s9", "s8", "s7", "s6", "s5");

    // monthly snapshots over three years: six months and two years
    List<Dated> monthly = new ArrayList<>();
    for (int i = 0; i < 36; i++) {
      monthly.add(
          new Dated(
              "m" + i,
              Instant.parse("2024-01-15T12:00:00Z")
                  .atZone(ZoneOffset.UTC)
                  .plusMonths(i)
                  .toInstant()));
    }
    Retention.Decision months = Retention.apply(monthly, policy(0, 0, 0, 0, 6, 2, null));
    assertThat(months.keep().keySet())
        .containsExactly("m35", "m34", "m33", "m32", "m31", "m30", "m23");
    assertThat(months.keep().get("m23")).containsExactly("yearly");

    // ISO weeks across a new year: 2026-12-28 to 2027-01-03 is week 53 of 2026
    List<Dated> days = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      days.add(new Dated("d" + i, Instant.parse("2026-12-24T08:00:00Z").plus(Duration.ofDays(i))));
    }
    // d13 = 2027-01-06 (week 1 of 2027), d10 = 2027-01-03 (the last of week 53), d3 = 2026-12-27
    assertThat(Retention.apply(days, policy(0, 0, 0, 3, 0, 0, null)).keep().keySet())
        .containsExactly("d13", "d10", "d3");

    // no rule: only the newest stays
    assertThat(
            Retention.apply(every(Duration.ofDays(1), 5), policy(0, 0, 0, 0, 0, 0, null)).remove())
        .containsExactly("s3", "s2", "s1", "s0");
  }

  @Test
  void spansParseAndBadOnesAreUsageErrors() {
    assertThat(CalendarSpan.parse("1y6m", "--keep-within")).isEqualTo(new CalendarSpan(1, 6, 0, 0));
    assertThat(CalendarSpan.parse("2w3d12h", "--keep-within"))
        .isEqualTo(new CalendarSpan(0, 0, 17, 12));
    assertThat(
            CalendarSpan.parse("1m", "--keep-within").before(Instant.parse("2026-03-31T00:00:00Z")))
        .isEqualTo(Instant.parse("2026-02-28T00:00:00Z"));
    for (String bad : new String[] {"", "7", "d7", "7days", "1h2d", "-1d"}) {
      assertThatThrownBy(() -> CalendarSpan.parse(bad, "--keep-within"))
          .isInstanceOfSatisfying(
              KbackupException.class, e -> assertThat(e.exitCode()).isEqualTo(2));
    }
  }

  @Test
  void randomTimelinesAgreeWithASimpleModelAndASecondRunRemovesNothing() {
    long seed = Long.getLong("kbackup.retentionSeed", System.nanoTime());
    Random random = new Random(seed);
    for (int run = 0; run < 500; run++) {
      List<Dated> timeline = new ArrayList<>();
      int count = 1 + random.nextInt(120);
      Instant t = Instant.parse("2025-12-20T00:00:00Z");
      for (int i = 0; i < count; i++) {
        // bursts of minutes, gaps of hours, days and months
        long[] steps = {60, 3_600, 86_400, 7 * 86_400, 40 * 86_400};
        t = t.plusSeconds(1 + (long) (random.nextDouble() * steps[random.nextInt(steps.length)]));
        timeline.add(new Dated("s" + i, t));
      }
      RetentionPolicy p =
          new RetentionPolicy(
              random.nextInt(4),
              random.nextInt(5),
              random.nextInt(5),
              random.nextInt(4),
              random.nextInt(4),
              random.nextInt(3),
              random.nextInt(3) == 0
                  ? new CalendarSpan(0, 0, random.nextInt(20), random.nextInt(24))
                  : null);
      Retention.Decision decision = Retention.apply(timeline, p);
      String context = "seed " + seed + " run " + run;
      assertThat(decision.keep().keySet()).as(context).isEqualTo(model(timeline, p));
      assertThat(decision.keep().size() + decision.remove().size()).isEqualTo(count);

      List<Dated> kept =
          timeline.stream().filter(d -> decision.keep().containsKey(d.id())).toList();
      assertThat(Retention.apply(kept, p).remove()).as(context).isEmpty();
    }
  }

  /** The same policy, stated plainly: per rule, the newest snapshot of its N newest periods. */
  static Set<String> model(List<Dated> timeline, RetentionPolicy p) {
    List<Dated> sorted = new ArrayList<>(timeline);
    sorted.sort(Comparator.comparing(Dated::time).thenComparing(Dated::id).reversed());
    Set<String> keep = new HashSet<>();
    keep.add(sorted.get(0).id());
    sorted.stream().limit(p.last()).forEach(d -> keep.add(d.id()));
    keepPeriods(sorted, p.hourly(), d -> d.time().getEpochSecond() / 3600, keep);
    keepPeriods(sorted, p.daily(), d -> d.time().atZone(ZoneOffset.UTC).toLocalDate(), keep);
    keepPeriods(
        sorted,
        p.weekly(),
        d ->
            d.time().atZone(ZoneOffset.UTC).get(IsoFields.WEEK_BASED_YEAR) * 100
                + d.time().atZone(ZoneOffset.UTC).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR),
        keep);
    keepPeriods(
        sorted,
        p.monthly(),
        d ->
            d.time().atZone(ZoneOffset.UTC).getYear() * 100
                + d.time().atZone(ZoneOffset.UTC).getMonthValue(),
        keep);
    keepPeriods(sorted, p.yearly(), d -> d.time().atZone(ZoneOffset.UTC).getYear(), keep);
    if (p.within() != null) {
      Instant from = p.within().before(sorted.get(0).time());
      sorted.stream().filter(d -> !d.time().isBefore(from)).forEach(d -> keep.add(d.id()));
    }
    return keep;
  }

  static void keepPeriods(
      List<Dated> newestFirst, int n, Function<Dated, Object> period, Set<String> keep) {
    Set<Object> periods = new LinkedHashSet<>();
    newestFirst.forEach(d -> periods.add(period.apply(d)));
    periods.stream()
        .limit(n)
        .forEach(
            chosen ->
                keep.add(
                    newestFirst.stream()
                        .filter(d -> period.apply(d).equals(chosen))
                        .findFirst()
                        .orElseThrow()
                        .id()));
  }
}

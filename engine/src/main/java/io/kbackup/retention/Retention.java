package io.kbackup.retention;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Applies a retention policy to one series of snapshots: walking from the newest to the oldest,
 * each rule keeps a snapshot when it opens a calendar period that rule has not seen yet, until the
 * rule's count is used up.
 */
public final class Retention {

  /** A snapshot as retention sees it: an id and a time. */
  public record Dated(String id, Instant time) {}

  /**
   * The outcome: the snapshots kept, each with the rules that keep it, and those to remove; both
   * newest first.
   */
  public record Decision(Map<String, List<String>> keep, List<String> remove) {}

  private Retention() {}

  public static Decision apply(List<Dated> snapshots, RetentionPolicy policy) {
    List<Dated> newestFirst = new ArrayList<>(snapshots);
    newestFirst.sort(Comparator.comparing(Dated::time).thenComparing(Dated::id).reversed());
    List<Rule> rules =
        List.of(
            new Rule("last", policy.last(), Dated::id),
            new Rule(
                "hourly", policy.hourly(), d -> utc(d).withMinute(0).withSecond(0).withNano(0)),
            new Rule("daily", policy.daily(), d -> utc(d).toLocalDate()),
            new Rule(
                "weekly",
                policy.weekly(),
                d ->
                    utc(d).get(IsoFields.WEEK_BASED_YEAR)
                        + "-W"
                        + utc(d).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)),
            new Rule(
                "monthly", policy.monthly(), d -> utc(d).getYear() + "-" + utc(d).getMonthValue()),
            new Rule("yearly", policy.yearly(), d -> utc(d).getYear()));
    Instant withinFrom =
        policy.within() == null || newestFirst.isEmpty()
            ? null
            : policy.within().before(newestFirst.get(0).time());
    Map<String, List<String>> keep = new LinkedHashMap<>();
    List<String> remove = new ArrayList<>();
    for (int i = 0; i < newestFirst.size(); i++) {
      Dated d = newestFirst.get(i);
      List<String> reasons = new ArrayList<>();
      if (i == 0) {
        reasons.add("newest");
      }
      if (withinFrom != null && !d.time().isBefore(withinFrom)) {
        reasons.add("within " + policy.within());
      }
      for (Rule rule : rules) {
        if (rule.keeps(d)) {
          reasons.add(rule.name);
        }
      }
      if (reasons.isEmpty()) {
        remove.add(d.id());
      } else {
        keep.put(d.id(), List.copyOf(reasons));
      }
    }
    return new Decision(keep, remove);
  }

  private static ZonedDateTime utc(Dated d) {
    return d.time().atZone(ZoneOffset.UTC);
  }

  /** One counting rule: keeps the first snapshot of each new period while its count lasts. */
  private static final class Rule {
    private final String name;
    private final Function<Dated, Object> period;
    private int left;
    private Object lastPeriod;

    Rule(String name, int count, Function<Dated, Object> period) {
      this.name = name;
      this.left = count;
      this.period = period;
    }

    boolean keeps(Dated d) {
      if (left <= 0) {
        return false;
      }
      Object p = period.apply(d);
      if (p.equals(lastPeriod)) {
        return false;
      }
      lastPeriod = p;
      left--;
      return true;
    }
  }
}

package io.kbackup.kafka;

import io.kbackup.error.KbackupException;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which topics a command works on: those whose whole name matches the include pattern and not the
 * exclude pattern. Kafka's internal topics are never selected.
 */
public final class TopicSelector {

  /** Topics that hold Kafka's own state, never backed up as data. */
  public static final Set<String> INTERNAL_TOPICS =
      Set.of(
          "__consumer_offsets",
          "__transaction_state",
          "__share_group_state",
          "__cluster_metadata",
          "__remote_log_metadata");

  /** A plain topic name in a pattern: name characters, a dot escaped or not. */
  private static final Pattern LITERAL = Pattern.compile("([A-Za-z0-9._-]|\\\\\\.)+");

  private final Pattern include;
  private final Pattern exclude;

  private TopicSelector(Pattern include, Pattern exclude) {
    this.include = include;
    this.exclude = exclude;
  }

  public static TopicSelector all() {
    return of(null, null);
  }

  /** Parses the patterns; an invalid one is a usage error. */
  public static TopicSelector of(String includeRegex, String excludeRegex) {
    return new TopicSelector(
        compile(includeRegex == null ? ".*" : includeRegex, "--topics"),
        excludeRegex == null ? null : compile(excludeRegex, "--exclude"));
  }

  /** Compiles a regular expression given as {@code option}; an invalid one is a usage error. */
  public static Pattern compile(String regex, String option) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw KbackupException.usage(
          option
              + " is not a valid regular expression: "
              + e.getDescription()
              + " near index "
              + e.getIndex(),
          "quote the pattern and check it, for example " + option + " 'orders\\..*'");
    }
  }

  public boolean matches(String topic) {
    return !INTERNAL_TOPICS.contains(topic)
        && include.matcher(topic).matches()
        && (exclude == null || !exclude.matcher(topic).matches());
  }

  /**
   * The topic names the include pattern spells out, when it is a plain name or an alternation of
   * plain names ({@code orders|payments}); empty for any other pattern. A principal that may not
   * describe a topic does not see it listed, so these are the topics that can be asked about by
   * name.
   */
  public Set<String> literalNames() {
    Set<String> names = new java.util.TreeSet<>();
    for (String part : include.pattern().split("\\|", -1)) {
      String name = part.replace("\\.", ".");
      if (!LITERAL.matcher(part).matches()) {
        return Set.of();
      }
      if (matches(name)) {
        names.add(name);
      }
    }
    return names;
  }

  public String describe() {
    return include.pattern() + (exclude == null ? "" : " excluding " + exclude.pattern());
  }
}

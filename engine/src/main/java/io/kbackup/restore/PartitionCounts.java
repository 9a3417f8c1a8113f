package io.kbackup.restore;

import io.kbackup.error.KbackupException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Partition counts of the topics a restore creates, parsed from {@code N} (every created topic) or
 * {@code TOPIC=N} (one topic of the snapshot). Restored records keep their partition, so a count
 * can only add partitions; the added ones start empty.
 */
public final class PartitionCounts {

  private static final Pattern ENTRY = Pattern.compile("(?:([a-zA-Z0-9._-]{1,249})=)?(\\d{1,6})");
  private final Integer everyTopic;
  private final Map<String, Integer> perTopic;

  private PartitionCounts(Integer everyTopic, Map<String, Integer> perTopic) {
    this.everyTopic = everyTopic;
    this.perTopic = perTopic;
  }

  /** The snapshot's counts. */
  public static PartitionCounts asBackedUp() {
    return new PartitionCounts(null, Map.of());
  }

  public static PartitionCounts parse(List<String> entries) {
    Integer every = null;
    Map<String, Integer> perTopic = new HashMap<>();
    for (String entry : entries == null ? List.<String>of() : entries) {
      Matcher m = ENTRY.matcher(entry.trim());
      if (!m.matches() || Integer.parseInt(m.group(2)) < 1) {
        throw KbackupException.usage(
            "--partitions '" + entry + "' is not N or TOPIC=N with N at least 1",
            "for example --partitions 12 or --partitions orders=12");
      }
      int count = Integer.parseInt(m.group(2));
      if (m.group(1) == null) {
        every = count;
      } else {
        perTopic.put(m.group(1), count);
      }
    }
    return new PartitionCounts(every, Map.copyOf(perTopic));
  }

  /**
   * The partition count of a created topic.
   *
   * @param topic the topic's name in the snapshot
   * @param backedUp its partition count in the snapshot
   */
  public int countFor(String topic, int backedUp) {
    Integer wanted = perTopic.getOrDefault(topic, everyTopic);
    if (wanted == null) {
      return backedUp;
    }
    if (wanted < backedUp) {
      throw KbackupException.usage(
          "--partitions asks for "
              + wanted
              + " partitions of topic "
              + topic
              + ", which has "
              + backedUp
              + " in the snapshot: restored records keep their partition",
          "give it at least "
              + backedUp
              + " partitions, for example --partitions "
              + topic
              + "="
              + backedUp);
    }
    return wanted;
  }

  /** Topics named by {@code TOPIC=N} entries. */
  public Set<String> namedTopics() {
    return perTopic.keySet();
  }
}

package io.kbackup.restore;

import io.kbackup.error.KbackupException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Renames of topics on restore, parsed from {@code SRC=DST,SRC2=DST2}. */
public final class TopicMap {

  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private final Map<String, String> renames;

  private TopicMap(Map<String, String> renames) {
    this.renames = renames;
  }

  public static TopicMap identity() {
    return new TopicMap(Map.of());
  }

  public static TopicMap parse(String spec) {
    Map<String, String> renames = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return new TopicMap(renames);
    }
    for (String pair : spec.split(",")) {
      String[] parts = pair.trim().split("=", -1);
      if (parts.length != 2
          || !LEGAL_NAME.matcher(parts[0]).matches()
          || !LEGAL_NAME.matcher(parts[1]).matches()) {
        throw KbackupException.usage(
            "--topic-map entry '" + pair.trim() + "' is not SOURCE=TARGET with legal topic names",
            "write --topic-map orders=orders-restored,payments=payments-restored");
      }
      if (renames.put(parts[0], parts[1]) != null) {
        throw KbackupException.usage(
            "--topic-map names topic '" + parts[0] + "' twice",
            "give each source topic one target");
      }
    }
    if (renames.values().stream().distinct().count() != renames.size()) {
      throw KbackupException.usage(
          "--topic-map sends two topics to the same target",
          "give each source topic its own target");
    }
    return new TopicMap(Map.copyOf(renames));
  }

  public String target(String source) {
    return renames.getOrDefault(source, source);
  }

  public Map<String, String> renames() {
    return renames;
  }
}

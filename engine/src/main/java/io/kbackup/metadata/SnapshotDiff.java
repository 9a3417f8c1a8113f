package io.kbackup.metadata;

import io.kbackup.repository.ClusterMetadata;
import io.kbackup.repository.GroupOffset;
import io.kbackup.repository.GroupSnapshot;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What changed between two snapshots: topics, their partitions and configs, records, ACLs, quotas,
 * dynamic broker configs, SCRAM users and consumer groups. One line a change, starting with {@code
 * +} (only in the second), {@code -} (only in the first) or {@code ~} (changed).
 */
public final class SnapshotDiff {

  private SnapshotDiff() {}

  public static List<String> between(SnapshotManifest a, SnapshotManifest b) {
    List<String> out = new ArrayList<>();
    Map<String, TopicSnapshot> ta = byKey(a.topics(), TopicSnapshot::name);
    Map<String, TopicSnapshot> tb = byKey(b.topics(), TopicSnapshot::name);
    for (String name : union(ta.keySet(), tb.keySet())) {
      TopicSnapshot x = ta.get(name);
      TopicSnapshot y = tb.get(name);
      if (x == null) {
        out.add(
            "+ topic "
                + name
                + " ("
                + y.partitionCount()
                + " partitions, "
                + y.recordCount()
                + " records)");
      } else if (y == null) {
        out.add(
            "- topic "
                + name
                + " ("
                + x.partitionCount()
                + " partitions, "
                + x.recordCount()
                + " records)");
      } else {
        topic(name, x, y, out);
      }
    }
    ClusterMetadata ca = a.cluster();
    ClusterMetadata cb = b.cluster();
    set(
        "acl",
        ca.acls().stream().map(SnapshotDiff::acl).collect(Collectors.toSet()),
        cb.acls().stream().map(SnapshotDiff::acl).collect(Collectors.toSet()),
        out);
    map(
        "quota",
        ca.quotas().stream()
            .collect(Collectors.toMap(q -> q.entity().toString(), q -> q.values().toString())),
        cb.quotas().stream()
            .collect(Collectors.toMap(q -> q.entity().toString(), q -> q.values().toString())),
        out);
    for (String broker : union(ca.brokerConfigs().keySet(), cb.brokerConfigs().keySet())) {
      String label = "broker " + (broker.isEmpty() ? "defaults" : broker) + " config";
      map(
          label,
          configs(ca.brokerConfigs().get(broker)),
          configs(cb.brokerConfigs().get(broker)),
          out);
    }
    set(
        "SCRAM user",
        ca.scramUsers().stream()
            .map(u -> u.name() + " " + u.mechanisms())
            .collect(Collectors.toSet()),
        cb.scramUsers().stream()
            .map(u -> u.name() + " " + u.mechanisms())
            .collect(Collectors.toSet()),
        out);
    Map<String, GroupSnapshot> ga = byKey(a.groups(), GroupSnapshot::groupId);
    Map<String, GroupSnapshot> gb = byKey(b.groups(), GroupSnapshot::groupId);
    for (String id : union(ga.keySet(), gb.keySet())) {
      if (!ga.containsKey(id)) {
        out.add("+ group " + id);
      } else if (!gb.containsKey(id)) {
        out.add("- group " + id);
      }
      map("group " + id + " offset", offsets(ga.get(id)), offsets(gb.get(id)), out);
    }
    return out;
  }

  private static void topic(String name, TopicSnapshot x, TopicSnapshot y, List<String> out) {
    if (!x.topicId().equals(y.topicId())) {
      out.add(
          "~ topic "
              + name
              + " was deleted and created again (topic id "
              + x.topicId()
              + " -> "
              + y.topicId()
              + ")");
    }
    if (x.partitionCount() != y.partitionCount()) {
      out.add(
          "~ topic " + name + " partitions: " + x.partitionCount() + " -> " + y.partitionCount());
    }
    if (x.replicationFactor() != y.replicationFactor()) {
      out.add(
          "~ topic "
              + name
              + " replication factor: "
              + x.replicationFactor()
              + " -> "
              + y.replicationFactor());
    }
    map("topic " + name + " config", new TreeMap<>(x.configs()), new TreeMap<>(y.configs()), out);
    map("topic " + name + " offsets", ranges(x), ranges(y), out);
  }

  private static Map<String, String> ranges(TopicSnapshot t) {
    Map<String, String> r = new TreeMap<>();
    for (PartitionSnapshot p : t.partitions()) {
      r.put(
          "partition " + p.partition(),
          p.startOffset() + ".." + p.endOffset() + " (" + p.recordCount() + " records)");
    }
    return r;
  }

  private static Map<String, String> configs(List<ClusterMetadata.ConfigValue> values) {
    Map<String, String> m = new TreeMap<>();
    if (values != null) {
      values.forEach(c -> m.put(c.name(), c.sensitive() ? "(sensitive)" : c.value()));
    }
    return m;
  }

  private static Map<String, String> offsets(GroupSnapshot g) {
    Map<String, String> m = new TreeMap<>();
    if (g != null) {
      for (GroupOffset o : g.offsets()) {
        m.put(o.topic() + "-" + o.partition(), Long.toString(o.offset()));
      }
    }
    return m;
  }

  private static String acl(ClusterMetadata.AclEntry a) {
    return a.permission()
        + " "
        + a.principal()
        + " "
        + a.operation()
        + " on "
        + a.resourceType()
        + " "
        + a.resourceName()
        + " ("
        + a.patternType()
        + ", host "
        + a.host()
        + ")";
  }

  private static void set(String what, Set<String> a, Set<String> b, List<String> out) {
    for (String s : new TreeSet<>(b)) {
      if (!a.contains(s)) {
        out.add("+ " + what + " " + s);
      }
    }
    for (String s : new TreeSet<>(a)) {
      if (!b.contains(s)) {
        out.add("- " + what + " " + s);
      }
    }
  }

  private static void map(
      String what, Map<String, String> a, Map<String, String> b, List<String> out) {
    for (String key : union(a.keySet(), b.keySet())) {
      String x = a.get(key);
      String y = b.get(key);
      if (x == null) {
        out.add("+ " + what + " " + key + "=" + y);
      } else if (y == null) {
        out.add("- " + what + " " + key + "=" + x);
      } else if (!Objects.equals(x, y)) {
        out.add("~ " + what + " " + key + ": " + x + " -> " + y);
      }
    }
  }

  private static <T> Map<String, T> byKey(List<T> items, Function<T, String> key) {
    Map<String, T> m = new TreeMap<>();
    items.forEach(i -> m.put(key.apply(i), i));
    return m;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new TreeSet<>(a);
    u.addAll(b);
    return u;
  }
}

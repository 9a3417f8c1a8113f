package io.kbackup.restore;

import io.kbackup.repository.GroupOffset;
import io.kbackup.repository.GroupSnapshot;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The consumer groups a point-in-time restore sets. The records stop at that time, so the groups'
 * offsets come, topic by topic, from the newest snapshot cut at or before it: each group then
 * re-reads what it read after that snapshot, and never skips a record it had not read at that time.
 * A topic no such snapshot holds takes the offsets of the snapshot the records come from, and a
 * note says so.
 */
final class GroupsAtTime {

  /** The groups to set, and what the operator should know about where they came from. */
  record Choice(List<GroupSnapshot> groups, List<String> notes) {}

  private GroupsAtTime() {}

  /**
   * @param snapshots every snapshot of the repository
   * @param base the snapshot the records are restored from
   * @param time the point in time of the restore
   * @param topics the restored topics, by their names in the snapshot
   */
  static Choice choose(
      List<SnapshotManifest> snapshots, SnapshotManifest base, Instant time, Set<String> topics) {
    Map<String, SnapshotManifest> sourceOf = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    for (String topic : topics.stream().sorted().toList()) {
      SnapshotManifest chosen = null;
      for (SnapshotManifest s : snapshots) {
        boolean eligible =
            Objects.equals(base.clusterId(), s.clusterId())
                && !Instant.parse(s.cutTime()).isAfter(time)
                && s.topics().stream().map(TopicSnapshot::name).anyMatch(topic::equals);
        if (eligible && (chosen == null || isNewer(s, chosen))) {
          chosen = s;
        }
      }
      if (chosen == null) {
        chosen = base;
        notes.add(
            "no snapshot of topic "
                + topic
                + " was taken at or before "
                + time
                + ": its consumer groups get the offsets of snapshot "
                + base.id()
                + " and resume after every restored record they had read by "
                + base.cutTime());
      } else if (!chosen.id().equals(base.id())) {
        notes.add(
            "consumer groups on topic "
                + topic
                + " get their offsets of snapshot "
                + chosen.id()
                + ", taken at "
                + chosen.cutTime()
                + ", the newest at or before "
                + time);
      }
      sourceOf.put(topic, chosen);
    }
    Map<String, GroupSnapshot> merged = new LinkedHashMap<>();
    for (Map.Entry<String, SnapshotManifest> e : sourceOf.entrySet()) {
      for (GroupSnapshot g : e.getValue().groups()) {
        List<GroupOffset> offsets =
            g.offsets().stream().filter(o -> o.topic().equals(e.getKey())).toList();
        if (offsets.isEmpty()) {
          continue;
        }
        GroupSnapshot before = merged.get(g.groupId());
        List<GroupOffset> all = new ArrayList<>(before == null ? List.of() : before.offsets());
        all.addAll(offsets);
        merged.put(
            g.groupId(),
            new GroupSnapshot(g.groupId(), g.type(), g.state(), g.protocolType(), all));
      }
    }
    return new Choice(List.copyOf(merged.values()), notes);
  }

  private static boolean isNewer(SnapshotManifest a, SnapshotManifest b) {
    int byCut = Instant.parse(a.cutTime()).compareTo(Instant.parse(b.cutTime()));
    return byCut != 0 ? byCut > 0 : a.id().compareTo(b.id()) > 0;
  }
}

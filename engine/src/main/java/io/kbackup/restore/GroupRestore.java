package io.kbackup.restore;

import io.kbackup.error.ExitCode;
import io.kbackup.error.KbackupException;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.repository.GroupOffset;
import io.kbackup.repository.GroupSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Sets the committed offsets of the snapshot's consumer groups in the target, translated through
 * the restore's offset maps, so that each group's next record in the target is the one it would
 * have read next in the source. Groups with active members in the target are left alone.
 */
final class GroupRestore {

  private final KafkaConnection kafka;
  private final Pattern groups;

  GroupRestore(KafkaConnection kafka, Pattern groups) {
    this.kafka = kafka;
    this.groups = groups;
  }

  /** Translates a committed source offset for a target partition. */
  interface Translation {
    long translate(TopicPartition target, long sourceOffset);
  }

  /**
   * @param targets where each restored source partition went
   * @param translation of committed offsets, by target partition
   * @param apply set the offsets; false to only plan them (a dry run)
   */
  List<GroupOutcome> run(
      Admin admin,
      List<GroupSnapshot> snapshotGroups,
      Map<TopicPartition, TopicPartition> targets,
      Translation translation,
      boolean apply) {
    Map<String, Map<TopicPartition, OffsetAndMetadata>> wanted = new TreeMap<>();
    for (GroupSnapshot g : snapshotGroups) {
      if (!groups.matcher(g.groupId()).matches()) {
        continue;
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (GroupOffset o : g.offsets()) {
        TopicPartition target = targets.get(new TopicPartition(o.topic(), o.partition()));
        if (target == null) {
          continue;
        }
        long translated = translation.translate(target, o.offset());
        // leader epochs belong to the source cluster and are not carried over
        offsets.put(target, new OffsetAndMetadata(translated, Optional.empty(), o.metadata()));
      }
      if (!offsets.isEmpty()) {
        wanted.put(g.groupId(), offsets);
      }
    }
    if (wanted.isEmpty()) {
      return List.of();
    }
    Map<String, ConsumerGroupDescription> described = new HashMap<>();
    admin
        .describeConsumerGroups(wanted.keySet())
        .describedGroups()
        .forEach(
            (id, future) -> {
              try {
                described.put(id, future.get(kafka.timeout().toMillis(), TimeUnit.MILLISECONDS));
              } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                  throw kafka.refused("describe consumer group " + id, e.getCause());
                }
              } catch (TimeoutException e) {
                throw kafka.unreachable(e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KbackupException(ExitCode.INTERRUPTED, "interrupted", null, e);
              }
            });
    List<GroupOutcome> outcomes = new ArrayList<>();
    for (Map.Entry<String, Map<TopicPartition, OffsetAndMetadata>> e : wanted.entrySet()) {
      ConsumerGroupDescription d = described.get(e.getKey());
      if (d != null && !d.members().isEmpty()) {
        outcomes.add(
            new GroupOutcome(
                e.getKey(), Map.of(), d.members().size() + " active members in the target"));
        continue;
      }
      if (apply) {
        kafka.await(
            admin.alterConsumerGroupOffsets(e.getKey(), e.getValue()).all(),
            "set the offsets of consumer group " + e.getKey());
      }
      Map<TopicPartition, Long> set = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
      e.getValue().forEach((tp, om) -> set.put(tp, om.offset()));
      outcomes.add(new GroupOutcome(e.getKey(), set, null));
    }
    return outcomes;
  }
}

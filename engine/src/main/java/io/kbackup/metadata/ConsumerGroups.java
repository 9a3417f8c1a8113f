package io.kbackup.metadata;

import io.kbackup.kafka.KafkaConnection;
import io.kbackup.repository.GroupOffset;
import io.kbackup.repository.GroupSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the consumer groups of a cluster and their committed offsets on a set of topics, in two
 * requests whatever the number of groups.
 */
public final class ConsumerGroups {

  private ConsumerGroups() {}

  /** Groups that committed offsets on any of the topics, sorted by id. */
  public static List<GroupSnapshot> capture(
      KafkaConnection kafka, Admin admin, Set<String> topics) {
    List<GroupListing> listings =
        kafka.await(admin.listGroups().all(), "list consumer groups").stream()
            .filter(ConsumerGroups::holdsOffsets)
            .toList();
    if (listings.isEmpty()) {
      return List.of();
    }
    Map<String, ListConsumerGroupOffsetsSpec> request = new HashMap<>();
    listings.forEach(g -> request.put(g.groupId(), new ListConsumerGroupOffsetsSpec()));
    Map<String, Map<TopicPartition, OffsetAndMetadata>> committed =
        kafka.await(admin.listConsumerGroupOffsets(request).all(), "list consumer group offsets");
    List<GroupSnapshot> groups = new ArrayList<>();
    for (GroupListing g : listings) {
      List<GroupOffset> offsets = new ArrayList<>();
      committed
          .getOrDefault(g.groupId(), Map.of())
          .forEach(
              (tp, om) -> {
                if (om != null && topics.contains(tp.topic())) {
                  offsets.add(
                      new GroupOffset(
                          tp.topic(),
                          tp.partition(),
                          om.offset(),
                          om.leaderEpoch().orElse(null),
                          om.metadata()));
                }
              });
      if (offsets.isEmpty()) {
        continue;
      }
      offsets.sort(
          Comparator.comparing(GroupOffset::topic).thenComparingInt(GroupOffset::partition));
      groups.add(
          new GroupSnapshot(
              g.groupId(),
              g.type().map(GroupType::toString).orElse(null),
              g.groupState().map(Object::toString).orElse(null),
              g.protocol(),
              offsets));
    }
    groups.sort(Comparator.comparing(GroupSnapshot::groupId));
    return groups;
  }

  /** Classic and consumer groups commit offsets; share and streams groups keep their own. */
  private static boolean holdsOffsets(GroupListing g) {
    return g.type().map(t -> t == GroupType.CLASSIC || t == GroupType.CONSUMER).orElse(true);
  }
}

package io.kbackup.repository;

import java.util.List;

/**
 * A consumer group as a snapshot keeps it: captured before the cut, so that its committed offsets
 * never point past the records the snapshot holds.
 *
 * @param type Kafka's group type ({@code Classic} or {@code Consumer})
 * @param state the group's state at capture, such as {@code Stable} or {@code Empty}
 * @param protocolType {@code consumer} for groups of subscribing consumers, empty for groups that
 *     only commit offsets
 * @param offsets committed offsets on the snapshot's topics
 */
public record GroupSnapshot(
    String groupId, String type, String state, String protocolType, List<GroupOffset> offsets) {

  public GroupSnapshot {
    offsets = offsets == null ? List.of() : List.copyOf(offsets);
  }
}

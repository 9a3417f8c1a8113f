package io.kbackup.verify;

import java.util.ArrayList;
import java.util.List;

/** Where manifests list one segment: its topic-partition and the snapshots that need it. */
record Listing(String topicPartition, List<String> snapshots) {

  Listing(String topicPartition) {
    this(topicPartition, new ArrayList<>());
  }

  /** "snapshot A says" or "snapshots A, B say", to name the manifests a fact comes from. */
  String says() {
    return snapshots.size() == 1
        ? "snapshot " + snapshots.get(0) + " says"
        : "snapshots " + String.join(", ", snapshots) + " say";
  }
}

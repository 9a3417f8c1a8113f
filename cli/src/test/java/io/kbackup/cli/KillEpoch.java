package io.kbackup.cli;

import io.kbackup.repository.Repository;
import io.kbackup.segment.Codec;
import io.kbackup.segment.SegmentSettings;
import io.kbackup.storage.FileSystemStorage;
import io.kbackup.storage.ServerProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * A topic and a repository that the kill tests use for {@value #ROUNDS} rounds before they start
 * over with new ones, so that the thousandth round of a soak costs what the first does: each round
 * verifies and reads whole snapshots, which would otherwise grow with every round.
 *
 * @param repo a repository of small segments, so that a round of records fills several
 */
record KillEpoch(SequenceTopic topic, Repository repo, Path dir) {

  static final int ROUNDS = 25;
  static final SegmentSettings SMALL_SEGMENTS =
      new SegmentSettings(Codec.ZSTD, 1, 16 << 10, 64 << 10);

  /** Whether the round (from 1) begins a new epoch. */
  static boolean begins(int round) {
    return round > 1 && (round - 1) % ROUNDS == 0;
  }

  /** The first epoch, or the one after {@code previous}, whose topic and repository it deletes. */
  static KillEpoch next(String bootstrap, Path parent, String name, KillEpoch previous)
      throws Exception {
    int index = 0;
    if (previous != null) {
      try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
        List<String> topics =
            admin.listTopics().names().get().stream()
                .filter(
                    t -> t.equals(previous.topic.name) || t.startsWith(previous.topic.name + "-"))
                .toList();
        admin.deleteTopics(topics).all().get();
      }
      ServerProcess.deleteTree(previous.dir);
      index = Integer.parseInt(previous.dir.getFileName().toString().replace("repo-", "")) + 1;
    }
    SequenceTopic topic = new SequenceTopic(name + "-" + index, 2);
    topic.create(bootstrap);
    Path dir = parent.resolve("repo-" + index);
    Repository repo = Repository.init(new FileSystemStorage(dir), SMALL_SEGMENTS);
    return new KillEpoch(topic, repo, dir);
  }
}

package io.kbackup.restore;

import io.kbackup.error.KbackupException;
import io.kbackup.error.Untrusted;
import io.kbackup.kafka.KafkaConnection;
import io.kbackup.progress.Progress;
import io.kbackup.repository.GroupSnapshot;
import io.kbackup.repository.Json;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import io.kbackup.repository.lock.LockKind;
import io.kbackup.repository.lock.RepositoryLock;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentRanges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a snapshot into a cluster. Partitions are restored in parallel through one idempotent
 * producer, each in its original order and into the same partition number. Before the first record
 * is sent, a restore state naming every target partition's start offset is stored in the
 * repository; a re-run after an interruption counts what the target already holds and sends only
 * the rest, so each record lands exactly once. When done, the state records the source-to-target
 * offset map.
 */
public final class Restore {

  private static final Logger log = LoggerFactory.getLogger(Restore.class);

  private final Repository repository;
  private final KafkaConnection kafka;
  private final RestoreOptions options;

  private final TargetTopics targetTopics;

  private Progress progress = Progress.NONE;

  /** Reports records sent as they are sent. */
  public Restore watchedBy(Progress progress) {
    this.progress = progress;
    return this;
  }

  public Restore(Repository repository, KafkaConnection kafka, RestoreOptions options) {
    this.targetTopics = new TargetTopics(kafka, options);
    this.repository = repository;
    this.kafka = kafka;
    this.options = options;
  }

  /** Runs under a shared lock of the repository, so that nothing deletes what it needs. */
  public RestoreResult run() throws IOException {
    try (RepositoryLock lock =
        RepositoryLock.acquire(repository.storage(), LockKind.SHARED, "restore")) {
      return runLocked();
    }
  }

  private RestoreResult runLocked() throws IOException {
    Instant started = Instant.now();
    SnapshotManifest snapshot = repository.snapshot(options.snapshotId());
    ClusterRestore.checkAclsTrusted(snapshot, repository.encrypted(), options);
    List<TopicSnapshot> topics = selectTopics(snapshot);
    List<PartitionRestore> plan = plan(topics);
    List<String> notes = new ArrayList<>();
    List<GroupSnapshot> groupsToSet = snapshot.groups();
    if (options.toTime() != null && !options.dataOnly()) {
      GroupsAtTime.Choice choice =
          GroupsAtTime.choose(
              repository.snapshots(),
              snapshot,
              options.toTime(),
              topics.stream().map(TopicSnapshot::name).collect(Collectors.toSet()));
      groupsToSet = choice.groups();
      notes.addAll(choice.notes());
    }
    try (Admin admin = kafka.admin()) {
      String clusterId = kafka.clusterId(admin);
      String stateId = stateId(snapshot, clusterId, plan);
      RestoreState previous = loadState(stateId, snapshot, plan).orElse(null);
      Map<String, TopicDescription> existing = targetTopics.existingTopics(admin, topics);
      List<String> toCreate = new ArrayList<>();
      for (TopicSnapshot t : topics) {
        String target = options.topicMap().target(t.name());
        TopicDescription d = existing.get(target);
        if (d == null) {
          toCreate.add(target);
        } else if (d.partitions().size() < t.partitionCount()) {
          throw KbackupException.usage(
              "target topic "
                  + target
                  + " has "
                  + d.partitions().size()
                  + " partitions, the snapshot has "
                  + t.partitionCount(),
              "add partitions to it, or restore into a new topic with --topic-map "
                  + t.name()
                  + "=NEW_NAME");
        }
      }
      if (previous == null) {
        targetTopics.checkTimestampsKept(admin, existing.keySet());
      }
      if (previous == null || !RestoreState.COMPLETE.equals(previous.status())) {
        // a topic this restore created has no bounds; any other target's must let every record in
        List<String> foreign =
            existing.keySet().stream()
                .filter(t -> previous == null || !previous.createdTopics().contains(t))
                .sorted()
                .toList();
        new TimestampBounds(kafka, repository.storage()).checkExisting(admin, foreign, plan);
      }
      Map<TopicPartition, Long> targetEnds = new HashMap<>();
      Map<TopicPartition, Long> targetStarts = new HashMap<>();
      List<TopicPartition> existingPartitions =
          plan.stream()
              .map(PartitionRestore::target)
              .filter(tp -> existing.containsKey(tp.topic()))
              .toList();
      if (!existingPartitions.isEmpty()) {
        targetEnds.putAll(
            kafka.offsets(
                admin, existingPartitions, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED));
        targetStarts.putAll(
            kafka.offsets(
                admin, existingPartitions, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED));
      }
      if (previous == null) {
        checkEmpty(plan, targetStarts, targetEnds);
      }
      if (options.dryRun()) {
        List<GroupOutcome> plannedGroups =
            options.dataOnly()
                ? List.of()
                : planGroups(admin, groupsToSet, plan, previous, targetEnds);
        return new RestoreResult(
            snapshot.id(),
            stateId,
            plan,
            toCreate,
            0,
            0,
            0,
            Duration.between(started, Instant.now()),
            true,
            notes,
            plannedGroups,
            plannedChanges(admin, snapshot, topics, toCreate),
            List.of());
      }
      RestoreState state =
          previous != null
              ? previous
              : newState(stateId, snapshot, clusterId, plan, targetEnds, toCreate);
      if (previous == null) {
        saveState(state);
      } else {
        log.info("resuming restore {}", stateId);
      }
      targetTopics.createTopics(admin, topics, toCreate, notes);
      if (options.metadataOnly()) {
        return metadataOnly(admin, snapshot, stateId, plan, toCreate, notes, started);
      }
      List<TopicPartition> targets = plan.stream().map(PartitionRestore::target).toList();
      // an earlier run may have left records on a leader that its followers had not copied yet
      Map<TopicPartition, Long> ends =
          previous != null
              ? new SettledEnds(kafka).read(admin, targets)
              : kafka.offsets(admin, targets, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
      ParallelRestore.Result produced =
          new ParallelRestore(
                  repository.storage(),
                  kafka,
                  options.parallelism(),
                  options.skipDamaged(),
                  ProducerCompression.choose(options.compression(), topics))
              .watchedBy(progress)
              .run(plan, state, ends);
      Map<TopicPartition, Long> finalEnds =
          kafka.offsets(
              admin,
              plan.stream().map(PartitionRestore::target).toList(),
              OffsetSpec.latest(),
              IsolationLevel.READ_UNCOMMITTED);
      List<RestoreState.Partition> done = new ArrayList<>();
      for (PartitionRestore p : plan) {
        RestoreState.Partition sp = state.partition(p.target());
        long restored = produced.restored().get(p.target());
        long expected = sp.targetStartOffset() + restored;
        long actual = finalEnds.get(p.target());
        if (actual != expected) {
          throw KbackupException.failed(
              "target partition "
                  + p.target()
                  + " ends at offset "
                  + actual
                  + ", expected "
                  + expected,
              "something else wrote to the target during the restore, or records were written"
                  + " twice; delete the target topic if this restore created it and run the"
                  + " restore again, or restore into a topic nobody else writes to",
              null);
        }
        done.add(
            new RestoreState.Partition(
                sp.sourceTopic(),
                sp.targetTopic(),
                sp.partition(),
                sp.targetStartOffset(),
                restored,
                produced.offsetMaps().get(p.target())));
      }
      if (previous == null || !RestoreState.COMPLETE.equals(previous.status())) {
        // also for topics an interrupted earlier run created
        targetTopics.applyDeferredConfigs(
            admin, topics, state.createdTopics(), produced.oldest(), notes);
      }
      List<GroupOutcome> groups = List.of();
      // a restore that completed before set the groups then; setting them again would rewind
      // consumers that have moved on in the target since
      boolean completedBefore =
          previous != null
              && RestoreState.COMPLETE.equals(previous.status())
              && options.groups() == RestoreOptions.ALL_GROUPS;
      if (completedBefore && !options.dataOnly()) {
        notes.add(
            "this restore completed before: consumer group offsets, ACLs and quotas were not set again"
                + " (name the groups with --groups to set them again)");
      }
      if (!options.dataOnly() && !completedBefore) {
        groups = restoreGroups(admin, groupsToSet, plan, done);
        groups.stream()
            .filter(g -> g.skippedBecause() != null)
            .forEach(
                g ->
                    notes.add(
                        "consumer group "
                            + Untrusted.text(g.groupId())
                            + " was not changed: "
                            + g.skippedBecause()
                            + "; stop its consumers and run the same restore again with --groups '"
                            + Untrusted.text(g.groupId())
                            + "'"));
        ClusterRestore.Result cluster =
            new ClusterRestore(kafka, options.principals(), options.topicMap())
                .run(admin, snapshot.cluster(), notes);
        if (cluster.acls() + cluster.quotas() > 0) {
          notes.add(
              "restored " + cluster.acls() + " ACLs and " + cluster.quotas() + " client quotas");
        }
      }
      saveState(
          new RestoreState(
              state.id(),
              state.snapshotId(),
              state.targetClusterId(),
              state.toTime(),
              RestoreState.COMPLETE,
              state.startedAt(),
              Instant.now().toString(),
              done,
              state.createdTopics()));
      return new RestoreResult(
          snapshot.id(),
          stateId,
          plan,
          toCreate,
          produced.sent(),
          produced.skipped(),
          produced.payloadBytes(),
          Duration.between(started, Instant.now()),
          false,
          notes,
          groups,
          List.of(),
          produced.damaged());
    }
  }

  private List<String> plannedChanges(
      Admin admin, SnapshotManifest snapshot, List<TopicSnapshot> topics, List<String> toCreate) {
    List<String> lines = new ArrayList<>();
    boolean differenceKnown =
        !toCreate.isEmpty()
            && TimestampBounds.differenceKnown(TimestampBounds.brokerConfig(kafka, admin));
    for (TopicSnapshot t : topics) {
      String target = options.topicMap().target(t.name());
      if (!toCreate.contains(target)) {
        continue;
      }
      Map<String, String> later = new TreeMap<>(t.configs());
      later.keySet().retainAll(TargetTopics.DEFERRED_CONFIGS);
      options.configOverrides().keySet().forEach(later::remove);
      lines.add(
          "create topic "
              + target
              + ": "
              + options.partitions().countFor(t.name(), t.partitionCount())
              + " partitions, replication "
              + (options.replicationFactor() == null
                  ? "the cluster's default"
                  : options.replicationFactor())
              + ", configs "
              + targetTopics.creationConfigs(t, differenceKnown)
              + (later.isEmpty() ? "" : "; once the data is in: " + later));
    }
    if (!options.dataOnly()) {
      lines.addAll(
          new ClusterRestore(kafka, options.principals(), options.topicMap())
              .plan(snapshot.cluster()));
    }
    return lines;
  }

  /**
   * The offsets groups would get, without the offset map a restore records: the k-th restored
   * record of a partition lands at its start offset plus k, so a committed offset translates to the
   * start plus the number of restored records before it.
   */
  private List<GroupOutcome> planGroups(
      Admin admin,
      List<GroupSnapshot> snapshotGroups,
      List<PartitionRestore> plan,
      RestoreState previous,
      Map<TopicPartition, Long> targetEnds) {
    Map<TopicPartition, TopicPartition> targets = new HashMap<>();
    Map<TopicPartition, PartitionRestore> byTarget = new HashMap<>();
    for (PartitionRestore p : plan) {
      targets.put(p.source(), p.target());
      byTarget.put(p.target(), p);
    }
    GroupRestore.Translation predicted =
        (tp, offset) -> {
          PartitionRestore p = byTarget.get(tp);
          long start =
              previous != null
                  ? previous.partition(tp).targetStartOffset()
                  : targetEnds.getOrDefault(tp, 0L);
          try {
            return start
                + SegmentRanges.cut(
                        repository.storage(),
                        p.segments(),
                        p.startOffset(),
                        Math.max(p.startOffset(), Math.min(offset, p.stopOffset())),
                        null)
                    .recordCount();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
    return new GroupRestore(kafka, options.groups())
        .run(admin, snapshotGroups, targets, predicted, false);
  }

  private List<GroupOutcome> restoreGroups(
      Admin admin,
      List<GroupSnapshot> snapshotGroups,
      List<PartitionRestore> plan,
      List<RestoreState.Partition> done) {
    Map<TopicPartition, TopicPartition> targets = new HashMap<>();
    plan.forEach(p -> targets.put(p.source(), p.target()));
    Map<TopicPartition, OffsetTranslator> translators = new HashMap<>();
    for (RestoreState.Partition p : done) {
      translators.put(
          new TopicPartition(p.targetTopic(), p.partition()),
          new OffsetTranslator(p.offsetMap(), p.targetStartOffset() + p.recordCount()));
    }
    return new GroupRestore(kafka, options.groups())
        .run(
            admin,
            snapshotGroups,
            targets,
            (tp, offset) -> translators.get(tp).translate(offset),
            true);
  }

  /**
   * Topics, ACLs and quotas without records. The restore state stays open, so restoring the data
   * later continues this restore: it sets the groups and the topics' remaining configs.
   */
  private RestoreResult metadataOnly(
      Admin admin,
      SnapshotManifest snapshot,
      String stateId,
      List<PartitionRestore> plan,
      List<String> created,
      List<String> notes,
      Instant started) {
    ClusterRestore.Result cluster =
        new ClusterRestore(kafka, options.principals(), options.topicMap())
            .run(admin, snapshot.cluster(), notes);
    notes.add("restored " + cluster.acls() + " ACLs and " + cluster.quotas() + " client quotas");
    notes.add(
        "no records were restored: run the same restore without --metadata-only to restore them;"
            + " it also sets the consumer groups and the topics' backed-up retention and timestamp"
            + " configs");
    return new RestoreResult(
        snapshot.id(),
        stateId,
        plan,
        created,
        0,
        0,
        0,
        Duration.between(started, Instant.now()),
        false,
        notes,
        List.of(),
        List.of(),
        List.of());
  }

  private List<TopicSnapshot> selectTopics(SnapshotManifest snapshot) {
    List<TopicSnapshot> selected =
        snapshot.topics().stream().filter(t -> options.topics().matches(t.name())).toList();
    if (selected.isEmpty()) {
      throw KbackupException.usage(
          "no topic of snapshot " + snapshot.id() + " matches " + options.topics().describe(),
          "see the snapshot's topics with `kbackup snapshots` and check --topics");
    }
    for (String source : options.topicMap().renames().keySet()) {
      if (selected.stream().noneMatch(t -> t.name().equals(source))) {
        throw KbackupException.usage(
            "--topic-map names topic "
                + source
                + ", which is not restored from snapshot "
                + snapshot.id(),
            "check the topic names in --topic-map against --topics and the snapshot");
      }
    }
    for (String source : options.partitions().namedTopics()) {
      if (selected.stream().noneMatch(t -> t.name().equals(source))) {
        throw KbackupException.usage(
            "--partitions names topic " + source + ", which is not restored from " + snapshot.id(),
            "name the topic as it is in the snapshot, before any --topic-map");
      }
    }
    for (TopicSnapshot t : selected) {
      options.partitions().countFor(t.name(), t.partitionCount());
    }
    return selected;
  }

  private List<PartitionRestore> plan(List<TopicSnapshot> topics) throws IOException {
    Long maxTimestamp = options.toTime() == null ? null : options.toTime().toEpochMilli();
    List<PartitionRestore> plan = new ArrayList<>();
    for (TopicSnapshot t : topics) {
      String target = options.topicMap().target(t.name());
      for (PartitionSnapshot p : t.partitions()) {
        SegmentRanges.Cut cut =
            maxTimestamp == null
                ? new SegmentRanges.Cut(p.endOffset(), p.recordCount())
                : SegmentRanges.cut(
                    repository.storage(),
                    p.segments(),
                    p.startOffset(),
                    p.endOffset(),
                    maxTimestamp);
        long bytes =
            p.segments().stream()
                .filter(
                    s -> s.lastOffset() >= p.startOffset() && s.firstOffset() < cut.stopOffset())
                .mapToLong(SegmentInfo::size)
                .sum();
        plan.add(
            new PartitionRestore(
                new TopicPartition(t.name(), p.partition()),
                new TopicPartition(target, p.partition()),
                p.segments(),
                p.startOffset(),
                cut.stopOffset(),
                cut.recordCount(),
                bytes));
      }
    }
    return plan;
  }

  private void checkEmpty(
      List<PartitionRestore> plan,
      Map<TopicPartition, Long> starts,
      Map<TopicPartition, Long> ends) {
    if (options.existingData() == ExistingDataPolicy.APPEND) {
      return;
    }
    for (PartitionRestore p : plan) {
      Long end = ends.get(p.target());
      if (end != null && end > starts.get(p.target()) && p.recordCount() > 0) {
        throw KbackupException.usage(
            "target partition "
                + p.target()
                + " already holds records (offsets "
                + starts.get(p.target())
                + " to "
                + (end - 1)
                + ")",
            "restore into another topic with --topic-map "
                + p.source().topic()
                + "=NEW_NAME, or add --if-not-empty=append to restore after them");
      }
    }
  }

  private RestoreState newState(
      String id,
      SnapshotManifest snapshot,
      String clusterId,
      List<PartitionRestore> plan,
      Map<TopicPartition, Long> targetEnds,
      List<String> toCreate) {
    List<RestoreState.Partition> partitions = new ArrayList<>();
    for (PartitionRestore p : plan) {
      long start = targetEnds.getOrDefault(p.target(), 0L);
      partitions.add(
          new RestoreState.Partition(
              p.source().topic(),
              p.target().topic(),
              p.target().partition(),
              start,
              p.recordCount(),
              List.of()));
    }
    return new RestoreState(
        id,
        snapshot.id(),
        clusterId,
        options.toTime() == null ? null : options.toTime().toString(),
        RestoreState.RUNNING,
        Instant.now().toString(),
        null,
        partitions,
        toCreate);
  }

  /**
   * The state an earlier run of this restore left, checked against the snapshot and the plan; a
   * damaged one is damage (exit 13), since its offsets decide which records are sent again.
   */
  private Optional<RestoreState> loadState(
      String id, SnapshotManifest snapshot, List<PartitionRestore> plan) throws IOException {
    String key = Repository.RESTORES_PREFIX + id + ".json";
    if (repository.storage().stat(key).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        RestoreState.read(
            repository.storage(),
            key,
            id,
            snapshot.id(),
            plan.stream().map(PartitionRestore::target).toList()));
  }

  private void saveState(RestoreState state) throws IOException {
    repository.storage().put(Repository.RESTORES_PREFIX + state.id() + ".json", Json.write(state));
  }

  /** Same snapshot, target cluster, partitions and time: the same restore, so it resumes. */
  private String stateId(SnapshotManifest snapshot, String clusterId, List<PartitionRestore> plan) {
    StringBuilder key =
        new StringBuilder(snapshot.id())
            .append('|')
            .append(clusterId)
            .append('|')
            .append(options.toTime());
    plan.forEach(p -> key.append('|').append(p.source()).append('>').append(p.target()));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(key.toString().getBytes(StandardCharsets.UTF_8));
      return snapshot.id() + "-" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.kbackup.restore;

import io.kbackup.error.KbackupException;
import io.kbackup.kafka.TopicSelector;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What to restore and how.
 *
 * @param snapshotId a snapshot id or {@code latest}
 * @param toTime point in time: each partition stops at its first record later than this time, so a
 *     prefix of every partition is restored; null for all
 * @param parallelism partitions restored at the same time
 * @param groups consumer groups whose offsets are restored, by whole id
 * @param dataOnly restore records only: no consumer group offsets, ACLs or quotas
 * @param replicationFactor replication factor of created topics; null for the cluster's default
 * @param configOverrides configs of created topics that replace the backed-up values
 * @param principals renames of principals in restored ACLs and quotas
 * @param metadataOnly create topics, ACLs and quotas but restore no records; a later restore of the
 *     data continues the same restore, sets the groups and finishes the topics' configs
 * @param partitions partition counts of created topics, when more than the snapshot's
 * @param skipDamaged restore each partition up to damaged or missing data instead of stopping
 * @param compression compression of the batches sent ({@code none}, {@code gzip}, {@code snappy},
 *     {@code lz4} or {@code zstd}); null for the source topics' {@code compression.type} when
 *     backed up, else lz4
 * @param aclsFromUnencryptedRepository restore the ACLs of a repository that is not encrypted,
 *     whose manifests anyone who can write to it could have forged
 */
public record RestoreOptions(
    String snapshotId,
    Instant toTime,
    TopicSelector topics,
    TopicMap topicMap,
    int parallelism,
    boolean dryRun,
    ExistingDataPolicy existingData,
    Pattern groups,
    boolean dataOnly,
    Integer replicationFactor,
    Map<String, String> configOverrides,
    PrincipalMap principals,
    boolean metadataOnly,
    PartitionCounts partitions,
    boolean skipDamaged,
    String compression,
    boolean aclsFromUnencryptedRepository) {

  public static final Pattern ALL_GROUPS = Pattern.compile(".*");

  public RestoreOptions {
    configOverrides = configOverrides == null ? Map.of() : Map.copyOf(configOverrides);
    principals = principals == null ? PrincipalMap.identity() : principals;
    partitions = partitions == null ? PartitionCounts.asBackedUp() : partitions;
    ProducerCompression.check(compression);
    if (metadataOnly && dataOnly) {
      throw KbackupException.usage(
          "--metadata-only and --data-only exclude each other",
          "restore the metadata first with --metadata-only, then the data with --data-only");
    }
  }

  /** Options with every default: the latest snapshot, all topics and groups, no renames. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds options from the defaults, one setting at a time. */
  public static final class Builder {
    private String snapshotId = "latest";
    private Instant toTime;
    private TopicSelector topics = TopicSelector.all();
    private TopicMap topicMap = TopicMap.identity();
    private int parallelism = 4;
    private boolean dryRun;
    private ExistingDataPolicy existingData = ExistingDataPolicy.FAIL;
    private Pattern groups = ALL_GROUPS;
    private boolean dataOnly;
    private Integer replicationFactor;
    private Map<String, String> configOverrides = Map.of();
    private PrincipalMap principals = PrincipalMap.identity();
    private boolean metadataOnly;
    private PartitionCounts partitions = PartitionCounts.asBackedUp();
    private boolean skipDamaged;
    private String compression;
    private boolean aclsFromUnencryptedRepository;

    private Builder() {}

    public Builder snapshot(String id) {
      this.snapshotId = id;
      return this;
    }

    public Builder toTime(Instant time) {
      this.toTime = time;
      return this;
    }

    public Builder topics(TopicSelector selector) {
      this.topics = selector;
      return this;
    }

    public Builder topicMap(TopicMap map) {
      this.topicMap = map;
      return this;
    }

    public Builder parallelism(int partitions) {
      this.parallelism = partitions;
      return this;
    }

    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    public Builder existingData(ExistingDataPolicy policy) {
      this.existingData = policy;
      return this;
    }

    public Builder groups(Pattern groups) {
      this.groups = groups;
      return this;
    }

    public Builder dataOnly(boolean dataOnly) {
      this.dataOnly = dataOnly;
      return this;
    }

    public Builder replicationFactor(Integer replicationFactor) {
      this.replicationFactor = replicationFactor;
      return this;
    }

    public Builder configOverrides(Map<String, String> configs) {
      this.configOverrides = configs;
      return this;
    }

    public Builder principals(PrincipalMap principals) {
      this.principals = principals;
      return this;
    }

    public Builder metadataOnly(boolean metadataOnly) {
      this.metadataOnly = metadataOnly;
      return this;
    }

    public Builder partitions(PartitionCounts partitions) {
      this.partitions = partitions;
      return this;
    }

    public Builder skipDamaged(boolean skip) {
      this.skipDamaged = skip;
      return this;
    }

    public Builder compression(String codec) {
      this.compression = codec;
      return this;
    }

    public Builder aclsFromUnencryptedRepository(boolean trusted) {
      this.aclsFromUnencryptedRepository = trusted;
      return this;
    }

    public RestoreOptions build() {
      return new RestoreOptions(
          snapshotId,
          toTime,
          topics,
          topicMap,
          parallelism,
          dryRun,
          existingData,
          groups,
          dataOnly,
          replicationFactor,
          configOverrides,
          principals,
          metadataOnly,
          partitions,
          skipDamaged,
          compression,
          aclsFromUnencryptedRepository);
    }
  }
}

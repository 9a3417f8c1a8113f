package io.kbackup.restore;

import io.kbackup.error.CorruptDataException;
import io.kbackup.progress.Progress;
import io.kbackup.segment.BackupRecord;
import io.kbackup.storage.ObjectNotFoundException;
import io.kbackup.storage.Storage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Sends the records of one partition's plan, in offset order, to its target partition. The first
 * {@code alreadyPresent} records are skipped: an earlier run delivered them, as {@link
 * TargetPrefix} has checked. Every record, skipped or sent, is entered in the offset map: the k-th
 * record of the plan lands at the target start offset plus k. The first record the target refuses
 * stops every partition: nothing sent after it may land, or the target would hold the plan with a
 * hole.
 */
final class PartitionRestorer {

  private final Storage storage;
  private final Producer<byte[], byte[]> producer;
  private final PartitionRestore plan;
  private final long targetStartOffset;
  private final long alreadyPresent;
  private final AtomicReference<Exception> failure;
  private final boolean skipDamaged;
  private final Progress progress;
  private final OffsetMapBuilder offsetMap = new OffsetMapBuilder();
  private long restored;
  private String damage;
  private long sent;
  private long payloadBytes;
  private long oldestTimestamp = Long.MAX_VALUE;

  PartitionRestorer(
      Storage storage,
      Producer<byte[], byte[]> producer,
      PartitionRestore plan,
      long targetStartOffset,
      long alreadyPresent,
      AtomicReference<Exception> failure,
      boolean skipDamaged,
      Progress progress) {
    this.skipDamaged = skipDamaged;
    this.progress = progress;
    this.storage = storage;
    this.producer = producer;
    this.plan = plan;
    this.targetStartOffset = targetStartOffset;
    this.alreadyPresent = alreadyPresent;
    this.failure = failure;
  }

  /**
   * Sends the partition's records. Damaged or missing data stops the restore with the typed
   * corruption error, or, when damage may be skipped, ends this partition before the damage: a
   * prefix of it is restored and {@link #damage()} says where it stopped.
   */
  void run() throws IOException {
    try {
      send();
    } catch (CorruptDataException | ObjectNotFoundException e) {
      CorruptDataException corrupt =
          e instanceof CorruptDataException c
              ? c
              : new CorruptDataException(e.getMessage() + " (missing from the repository)");
      if (!skipDamaged) {
        throw corrupt;
      }
      damage =
          plan.source()
              + ": restored "
              + restored
              + " of "
              + plan.recordCount()
              + " records, up to the damage: "
              + corrupt.getMessage();
    }
  }

  private void send() throws IOException {
    try (PlanRecords records = new PlanRecords(storage, plan)) {
      for (BackupRecord r = records.next(); r != null; r = records.next()) {
        if (failure.get() != null) {
          return;
        }
        offsetMap.add(r.offset(), targetStartOffset + restored);
        if (r.timestamp() >= 0) {
          oldestTimestamp = Math.min(oldestTimestamp, r.timestamp());
        }
        if (restored >= alreadyPresent) {
          send(r);
        }
        progress.add(1, r.payloadSize());
        restored++;
      }
    }
  }

  private void send(BackupRecord r) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            plan.target().topic(),
            plan.target().partition(),
            r.timestamp() >= 0 ? r.timestamp() : null,
            r.key(),
            r.value(),
            List.<Header>copyOf(r.headers()));
    producer.send(
        record,
        (metadata, e) -> {
          if (e != null && failure.compareAndSet(null, new SendFailure(plan.target(), e))) {
            // the idempotent producer would re-sequence and still deliver the batches after a
            // refused one, leaving a hole; closing at once from here aborts them all
            producer.close(Duration.ZERO);
          }
        });
    sent++;
    payloadBytes += r.payloadSize();
  }

  long sent() {
    return sent;
  }

  /** Records of the plan now in the target: sent by this run or present before. */
  long restored() {
    return restored;
  }

  /** Where damage ended this partition early, or null. */
  String damage() {
    return damage;
  }

  /** The oldest timestamp among the partition's restored records; MAX_VALUE when none. */
  long oldestTimestamp() {
    return oldestTimestamp;
  }

  long payloadBytes() {
    return payloadBytes;
  }

  List<OffsetRange> offsetMap() {
    return offsetMap.build();
  }
}

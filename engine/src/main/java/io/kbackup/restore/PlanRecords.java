package io.kbackup.restore;

import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.RecordBatch;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentReader;
import io.kbackup.storage.Storage;
import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;

/**
 * The records of one partition's plan, in offset order, read one at a time: the k-th record this
 * returns is the one a restore writes at the target start offset plus k.
 */
final class PlanRecords implements Closeable {

  private final Storage storage;
  private final PartitionRestore plan;
  private final Iterator<SegmentInfo> segments;
  private SegmentReader reader;
  private Iterator<BackupRecord> batch = List.<BackupRecord>of().iterator();
  private long returned;

  PlanRecords(Storage storage, PartitionRestore plan) {
    this.storage = storage;
    this.plan = plan;
    this.segments = plan.segments().iterator();
  }

  /** The next record of the plan, or null after its last. */
  BackupRecord next() throws IOException {
    while (returned < plan.recordCount()) {
      while (batch.hasNext()) {
        BackupRecord r = batch.next();
        if (r.offset() < plan.startOffset()) {
          continue;
        }
        if (r.offset() >= plan.stopOffset()) {
          return end();
        }
        returned++;
        return r;
      }
      if (!nextBatch()) {
        return end();
      }
    }
    return end();
  }

  private boolean nextBatch() throws IOException {
    while (true) {
      if (reader != null) {
        for (RecordBatch b = reader.next(); b != null; b = reader.next()) {
          if (b.lastOffset() >= plan.startOffset()) {
            batch = b.records().iterator();
            return true;
          }
        }
        reader.close();
        reader = null;
      }
      if (!segments.hasNext()) {
        return false;
      }
      SegmentInfo segment = segments.next();
      if (segment.lastOffset() >= plan.startOffset() && segment.firstOffset() < plan.stopOffset()) {
        reader = SegmentReader.open(storage, segment, plan.startOffset());
      }
    }
  }

  private BackupRecord end() throws IOException {
    returned = plan.recordCount();
    close();
    return null;
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
      reader = null;
    }
  }
}

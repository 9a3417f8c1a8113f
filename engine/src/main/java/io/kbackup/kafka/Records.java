package io.kbackup.kafka;

import io.kbackup.segment.BackupHeader;
import io.kbackup.segment.BackupRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Conversion of Kafka client records into backup records. */
public final class Records {

  private Records() {}

  public static BackupRecord fromConsumer(ConsumerRecord<byte[], byte[]> r) {
    Header[] kafkaHeaders = r.headers().toArray();
    List<BackupHeader> headers = new ArrayList<>(kafkaHeaders.length);
    for (Header h : kafkaHeaders) {
      headers.add(new BackupHeader(h.key(), h.value()));
    }
    return new BackupRecord(
        r.offset(), r.timestamp(), r.timestampType(), r.key(), r.value(), headers);
  }
}

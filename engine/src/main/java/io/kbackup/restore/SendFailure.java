package io.kbackup.restore;

import org.apache.kafka.common.TopicPartition;

/** A record the target cluster did not accept, with the partition it was sent to. */
final class SendFailure extends Exception {

  private final transient TopicPartition partition;

  SendFailure(TopicPartition partition, Exception cause) {
    super("target partition " + partition + ": " + cause.getMessage(), cause);
    this.partition = partition;
  }

  TopicPartition partition() {
    return partition;
  }
}

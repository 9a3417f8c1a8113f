package io.kbackup.segment;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Recycles the byte arrays that hold a batch's records between the thread that encodes records and
 * the threads that compress them, so that reading a large topic does not allocate (and collect) one
 * array per batch.
 */
final class BufferPool {

  private final int bufferBytes;
  private final BlockingQueue<byte[]> free;

  BufferPool(int bufferBytes, int maxPooled) {
    this.bufferBytes = bufferBytes;
    this.free = new ArrayBlockingQueue<>(Math.max(1, maxPooled));
  }

  int bufferBytes() {
    return bufferBytes;
  }

  byte[] take() {
    byte[] b = free.poll();
    return b != null ? b : new byte[bufferBytes];
  }

  /** Returns an array for re-use; arrays of another size (grown for a large record) are dropped. */
  void give(byte[] buffer) {
    if (buffer.length == bufferBytes) {
      free.offer(buffer);
    }
  }
}

package io.kbackup.segment;

import java.util.Arrays;

/** A growable byte array with the little writes a record batch needs (big-endian, varints). */
final class ByteBuilder {

  private byte[] buf;
  private int size;

  ByteBuilder(int capacity) {
    buf = new byte[capacity];
  }

  ByteBuilder(byte[] buffer) {
    buf = buffer;
  }

  /** Hands over the array holding the bytes and continues with {@code next}, empty. */
  byte[] swap(byte[] next) {
    byte[] full = buf;
    buf = next;
    size = 0;
    return full;
  }

  int size() {
    return size;
  }

  byte[] array() {
    return buf;
  }

  void reset() {
    size = 0;
  }

  private void ensure(int extra) {
    if (size + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
    }
  }

  void writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  void write(byte[] bytes) {
    write(bytes, 0, bytes.length);
  }

  void write(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, buf, size, length);
    size += length;
  }

  void writeShort(int v) {
    ensure(2);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
  }

  void writeInt(int v) {
    ensure(4);
    putInt(size, v);
    size += 4;
  }

  void writeLong(long v) {
    ensure(8);
    putLong(size, v);
    size += 8;
  }

  void putInt(int at, int v) {
    buf[at] = (byte) (v >>> 24);
    buf[at + 1] = (byte) (v >>> 16);
    buf[at + 2] = (byte) (v >>> 8);
    buf[at + 3] = (byte) v;
  }

  void putLong(int at, long v) {
    putInt(at, (int) (v >>> 32));
    putInt(at + 4, (int) v);
  }

  /** Zig-zag varint, as Kafka's records use. */
  void writeVarint(int v) {
    writeUnsignedVarlong(((long) ((v << 1) ^ (v >> 31))) & 0xFFFFFFFFL);
  }

  void writeVarlong(long v) {
    writeUnsignedVarlong((v << 1) ^ (v >> 63));
  }

  private void writeUnsignedVarlong(long v) {
    ensure(10);
    while ((v & 0xFFFFFFFFFFFFFF80L) != 0L) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
  }

  static int sizeOfVarint(int v) {
    return sizeOfUnsignedVarlong(((long) ((v << 1) ^ (v >> 31))) & 0xFFFFFFFFL);
  }

  static int sizeOfVarlong(long v) {
    return sizeOfUnsignedVarlong((v << 1) ^ (v >> 63));
  }

  private static int sizeOfUnsignedVarlong(long v) {
    int bytes = 1;
    while ((v & 0xFFFFFFFFFFFFFF80L) != 0L) {
      bytes++;
      v >>>= 7;
    }
    return bytes;
  }
}

package io.kbackup.verify;

import io.kbackup.error.CorruptDataException;
import io.kbackup.repository.Documents;
import io.kbackup.segment.RecordBatch;
import io.kbackup.segment.SegmentIndex;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.storage.ObjectNotFoundException;
import io.kbackup.storage.Storage;
import io.kbackup.verify.Problem.Kind;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one segment and its index whole and checks them: sizes and SHA-256 against the manifest,
 * every batch's CRC32C and every record, batch offsets within the segment's range, and every index
 * entry against the batch it describes. The segment is streamed one batch at a time.
 */
final class SegmentCheck {

  private final Storage storage;
  private final SegmentInfo segment;
  private final String topicPartition;
  private final Listing listing;
  private final List<Problem> problems = new ArrayList<>();
  private long bytesRead;

  private long batches;
  private long records;
  private long firstOffset = -1;
  private long lastOffset = -1;
  private long maxTimestamp = Long.MIN_VALUE;

  SegmentCheck(Storage storage, SegmentInfo segment, Listing listing) {
    this.storage = storage;
    this.segment = segment;
    this.topicPartition = listing.topicPartition();
    this.listing = listing;
  }

  /** Runs the checks; then {@link #problems()} holds what they found. */
  SegmentCheck run() throws IOException {
    SegmentIndex index = readIndex();
    readSegment(index);
    return this;
  }

  SegmentInfo segment() {
    return segment;
  }

  /** What the checks found; empty when the segment is sound. */
  List<Problem> problems() {
    return problems;
  }

  long bytesRead() {
    return bytesRead;
  }

  private SegmentIndex readIndex() throws IOException {
    byte[] bytes;
    try {
      bytes = Documents.read(storage, segment.indexKey(), SegmentIndex.MAX_BYTES, "an index");
    } catch (ObjectNotFoundException e) {
      return null; // reported by the level-1 check
    } catch (CorruptDataException e) {
      problems.add(onSegment(Kind.CORRUPT, segment.indexKey(), detail(e, segment.indexKey())));
      return null;
    }
    bytesRead += bytes.length;
    SegmentIndex index;
    try {
      index = SegmentIndex.fromBytes(bytes, segment.indexKey());
    } catch (CorruptDataException e) {
      problems.add(onSegment(Kind.CORRUPT, segment.indexKey(), detail(e, segment.indexKey())));
      return null;
    }
    String digest = DigestingStream.sha256Hex(bytes);
    if (bytes.length == segment.indexSize() && !digest.equals(segment.indexSha256())) {
      problems.add(
          onSegment(
              Kind.DIGEST_MISMATCH,
              segment.indexKey(),
              digestDetail(digest, listing.says(), segment.indexSha256())));
    }
    return index;
  }

  private void readSegment(SegmentIndex index) throws IOException {
    String key = segment.key();
    long position = 0;
    int problemsBefore = problems.size();
    String digest;
    try (DigestingStream in =
        new DigestingStream(new BufferedInputStream(storage.get(key), 1 << 16))) {
      try {
        for (RecordBatch b = RecordBatch.read(in, key, position);
            b != null;
            b = RecordBatch.read(in, key, position)) {
          check(b, position, index);
          position += b.sizeInBytes();
        }
      } catch (CorruptDataException e) {
        problems.add(batchProblem(Kind.CORRUPT, key, position, index, detail(e, key)));
      }
      try {
        in.drain();
      } catch (CorruptDataException e) {
        // an encrypted object cannot be read past a chunk that does not decrypt
        if (problems.size() == problemsBefore) {
          problems.add(batchProblem(Kind.CORRUPT, key, position, index, detail(e, key)));
        }
        return;
      }
      bytesRead += in.count();
      digest = in.hexDigest();
    } catch (ObjectNotFoundException e) {
      return; // reported by the level-1 check
    }
    if (problems.size() > problemsBefore) {
      return;
    }
    compareWithManifest(index);
    if (problems.size() == problemsBefore
        && position == segment.size()
        && !digest.equals(segment.sha256())) {
      problems.add(
          onSegment(
              Kind.DIGEST_MISMATCH, key, digestDetail(digest, listing.says(), segment.sha256())));
    }
  }

  private void check(RecordBatch b, long position, SegmentIndex index) {
    b.records(); // decodes every record; throws on any malformed one
    if (b.baseOffset() <= lastOffset
        || b.baseOffset() < segment.firstOffset()
        || b.lastOffset() > segment.lastOffset()) {
      throw new CorruptDataException(
          segment.key()
              + " at byte "
              + position
              + ": batch offsets "
              + b.baseOffset()
              + "-"
              + b.lastOffset()
              + " out of order or outside the segment's range");
    }
    if (index != null) {
      SegmentIndex.Entry actual = SegmentIndex.Entry.describing(b, position);
      String wrong =
          batches >= index.entries().size()
              ? "the index has no entry for the batch at byte " + position
              : index.entries().get((int) batches).equals(actual)
                  ? null
                  : "entry " + batches + " does not describe the batch at byte " + position;
      if (wrong != null) {
        problems.add(
            Problem.of(
                Kind.INCONSISTENT,
                segment.indexKey(),
                topicPartition,
                b.baseOffset(),
                b.lastOffset(),
                wrong));
      }
    }
    if (firstOffset < 0) {
      firstOffset = b.baseOffset();
    }
    lastOffset = b.lastOffset();
    maxTimestamp = Math.max(maxTimestamp, b.maxTimestamp());
    records += b.count();
    batches++;
  }

  private void compareWithManifest(SegmentIndex index) {
    if (index != null && index.entries().size() != batches) {
      problems.add(
          onSegment(
              Kind.INCONSISTENT,
              segment.indexKey(),
              "has " + index.entries().size() + " entries, the segment " + batches + " batches"));
    }
    List<String> differ = new ArrayList<>();
    if (firstOffset != segment.firstOffset() || lastOffset != segment.lastOffset()) {
      differ.add("offsets " + firstOffset + "-" + lastOffset);
    }
    if (records != segment.recordCount()) {
      differ.add(records + " records");
    }
    if (batches > 0 && maxTimestamp != segment.maxTimestamp()) {
      differ.add("greatest timestamp " + maxTimestamp);
    }
    if (!differ.isEmpty()) {
      problems.add(
          onSegment(
              Kind.INCONSISTENT,
              segment.key(),
              "holds "
                  + String.join(", ", differ)
                  + ", but "
                  + listing.says()
                  + " ("
                  + segment.firstOffset()
                  + "-"
                  + segment.lastOffset()
                  + ", "
                  + segment.recordCount()
                  + " records, greatest timestamp "
                  + segment.maxTimestamp()
                  + ")"));
    }
  }

  /** A problem at a batch position, with the batch's offsets when the index knows them. */
  private Problem batchProblem(
      Kind kind, String key, long position, SegmentIndex index, String detail) {
    if (index != null) {
      for (SegmentIndex.Entry e : index.entries()) {
        if (e.position() == position
            && e.baseOffset() >= segment.firstOffset()
            && e.lastOffset() <= segment.lastOffset()) {
          return Problem.of(kind, key, topicPartition, e.baseOffset(), e.lastOffset(), detail);
        }
      }
    }
    return onSegment(kind, key, detail);
  }

  private Problem onSegment(Kind kind, String key, String detail) {
    return Problem.of(
        kind, key, topicPartition, segment.firstOffset(), segment.lastOffset(), detail);
  }

  static String digestDetail(String actual, String says, String expected) {
    return "SHA-256 is " + actual + ", " + says + " " + expected;
  }

  /** The message of a corruption error without the object's key it starts with. */
  static String detail(CorruptDataException e, String key) {
    String message = e.getMessage();
    if (message.startsWith(key)) {
      message = message.substring(key.length()).replaceFirst("^:? ", "");
    }
    return message;
  }
}

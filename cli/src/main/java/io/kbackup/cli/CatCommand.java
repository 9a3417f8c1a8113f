package io.kbackup.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.repository.PartitionSnapshot;
import io.kbackup.repository.Repository;
import io.kbackup.repository.SnapshotManifest;
import io.kbackup.repository.TopicSnapshot;
import io.kbackup.segment.BackupHeader;
import io.kbackup.segment.BackupRecord;
import io.kbackup.segment.RecordBatch;
import io.kbackup.segment.SegmentInfo;
import io.kbackup.segment.SegmentReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prints the records of a snapshot as JSON lines. Keys, values and header values are printed as
 * text when they are valid UTF-8, otherwise as base64, and say which; null stays null.
 */
@Command(name = "cat", description = "Print the records of a snapshot as JSON lines.")
final class CatCommand implements Callable<Integer> {

  @Mixin RepositoryOption repo;

  @Option(
      names = "--snapshot",
      defaultValue = "latest",
      description = "Snapshot id or latest (default).")
  String snapshotId;

  @Option(names = "--topics", paramLabel = "REGEX", description = "Topics to print (default: all).")
  String topics;

  @Option(names = "--partition", description = "Only this partition.")
  Integer partition;

  @Option(names = "--limit", defaultValue = "-1", description = "Stop after this many records.")
  long limit;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  private long printed;

  @Override
  public Integer call() throws Exception {
    TopicSelector selector = TopicSelector.of(topics, null);
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper mapper = new ObjectMapper();
    try (Repository r = repo.open()) {
      SnapshotManifest snapshot = r.snapshot(snapshotId);
      for (TopicSnapshot t : snapshot.topics()) {
        if (!selector.matches(t.name())) {
          continue;
        }
        for (PartitionSnapshot p : t.partitions()) {
          if (partition != null && partition != p.partition()) {
            continue;
          }
          if (!print(r, t.name(), p, mapper, out)) {
            out.flush();
            return 0;
          }
        }
      }
    }
    out.flush();
    return 0;
  }

  private boolean print(
      Repository r, String topic, PartitionSnapshot p, ObjectMapper mapper, PrintWriter out)
      throws IOException {
    for (SegmentInfo s : p.segments()) {
      try (SegmentReader reader = SegmentReader.open(r.storage(), s, p.startOffset())) {
        for (RecordBatch b = reader.next(); b != null; b = reader.next()) {
          for (BackupRecord rec : b.records()) {
            if (rec.offset() < p.startOffset() || rec.offset() >= p.endOffset()) {
              continue;
            }
            if (limit >= 0 && printed >= limit) {
              return false;
            }
            out.println(toJson(mapper, topic, p.partition(), rec));
            printed++;
          }
        }
      }
    }
    return true;
  }

  static String toJson(ObjectMapper mapper, String topic, int partition, BackupRecord r)
      throws IOException {
    java.io.StringWriter text = new java.io.StringWriter();
    try (JsonGenerator g = mapper.getFactory().createGenerator(text)) {
      g.writeStartObject();
      g.writeStringField("topic", topic);
      g.writeNumberField("partition", partition);
      g.writeNumberField("offset", r.offset());
      g.writeNumberField("timestamp", r.timestamp());
      g.writeStringField("timestampType", r.timestampType().name);
      writeBytes(g, "key", r.key());
      writeBytes(g, "value", r.value());
      g.writeArrayFieldStart("headers");
      for (BackupHeader h : r.headers()) {
        g.writeStartObject();
        g.writeStringField("key", h.key());
        writeBytes(g, "value", h.value());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return text.toString();
  }

  private static void writeBytes(JsonGenerator g, String field, byte[] bytes) throws IOException {
    if (bytes == null) {
      g.writeNullField(field);
      return;
    }
    String utf8 = utf8(bytes);
    if (utf8 != null) {
      g.writeStringField(field, utf8);
    } else {
      g.writeStringField(field, Base64.getEncoder().encodeToString(bytes));
      g.writeStringField(field + "Encoding", "base64");
    }
  }

  private static String utf8(byte[] bytes) {
    try {
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          return null;
        }
      }
      return s;
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}

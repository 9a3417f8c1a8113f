package io.kbackup.cli;

import io.kbackup.estimate.Estimate;
import io.kbackup.estimate.RetentionWindow;
import io.kbackup.estimate.TopicEstimate;
import io.kbackup.kafka.TopicSelector;
import io.kbackup.retention.CalendarSpan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Estimates the storage backups of the selected topics need. */
@Command(
    name = "estimate",
    description =
        "Estimate the storage backups need: a sample of the newest records of each partition is"
            + " compressed as a backup would, and the write rate is read from their timestamps.")
final class EstimateCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;
  @Mixin CompressionOptions compression;
  @Mixin RetentionOptions retention;

  @Option(
      names = "--topics",
      paramLabel = "REGEX",
      description = "Topics to estimate (default: all).")
  String topics;

  @Option(names = "--exclude", paramLabel = "REGEX", description = "Topics to leave out.")
  String exclude;

  @Option(
      names = "--sample-records",
      paramLabel = "N",
      defaultValue = "2000",
      description =
          "Newest records to sample per partition, at most 8 MiB (default: ${DEFAULT-VALUE}).")
  int sampleRecords;

  @Option(
      names = "--every",
      paramLabel = "SPAN",
      defaultValue = "1d",
      description = "How often backups run, for --keep-last (default: ${DEFAULT-VALUE}).")
  String every;

  @Option(names = "--json", description = "Print the estimate as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (sampleRecords < 1) {
      throw io.kbackup.error.KbackupException.usage(
          "--sample-records must be at least 1", "for example --sample-records 2000");
    }
    Duration interval = RetentionWindow.span(CalendarSpan.parse(every, "--every"));
    Optional<Duration> window = RetentionWindow.of(retention.policy(), interval);
    Estimate.Result result =
        new Estimate(
                kafka.connection(),
                new Estimate.Options(
                    TopicSelector.of(topics, exclude),
                    sampleRecords,
                    compression.settings(),
                    window))
            .run();
    Printer out = new Printer(spec.commandLine().getOut());
    if (json) {
      out.json(json(result));
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (TopicEstimate t : result.topics()) {
      rows.add(
          List.of(
              t.topic(),
              Long.toString(t.records()),
              t.brokerBytes() < 0 ? "?" : Printer.bytes(t.brokerBytes()),
              Long.toString(t.sampledRecords()),
              String.format(Locale.ROOT, "%.3f", t.ratio()),
              Printer.bytes(t.fullBackupBytes()),
              String.format(Locale.ROOT, "%.1f", t.recordsPerSecond()),
              Printer.bytes(t.growthPerDayBytes()),
              t.retainedBytes() == null ? "-" : Printer.bytes(t.retainedBytes())));
    }
    rows.add(
        List.of(
            "total",
            Long.toString(result.topics().stream().mapToLong(TopicEstimate::records).sum()),
            Printer.bytes(result.brokerBytes()),
            "",
            "",
            Printer.bytes(result.fullBackupBytes()),
            "",
            Printer.bytes(result.growthPerDayBytes()),
            result.retainedBytes() == null ? "-" : Printer.bytes(result.retainedBytes())));
    out.table(
        List.of(
            "topic",
            "records",
            "on brokers",
            "sampled",
            "ratio",
            "full backup",
            "records/s",
            "per day",
            "retained"),
        rows);
    out.line(
        window
            .map(
                w ->
                    "retained: a full backup plus "
                        + w.toDays()
                        + " days of growth (the age of the oldest snapshot the policy keeps)")
            .orElse(
                "retained: no --keep option given; every snapshot is kept and storage grows"
                    + " by the per-day figure"));
    return 0;
  }

  private static Map<String, Object> json(Estimate.Result result) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("topics", result.topics());
    m.put("windowSeconds", result.window().map(Duration::toSeconds).orElse(null));
    m.put("brokerBytes", result.brokerBytes());
    m.put("fullBackupBytes", result.fullBackupBytes());
    m.put("growthPerDayBytes", result.growthPerDayBytes());
    m.put("retainedBytes", result.retainedBytes());
    return m;
  }
}

package io.kbackup.cli;

import io.kbackup.retention.CalendarSpan;
import io.kbackup.retention.RetentionPolicy;
import picocli.CommandLine.Option;

/** The {@code --keep-*} options of a retention policy. */
final class RetentionOptions {

  @Option(names = "--keep-last", paramLabel = "N", description = "Keep the N newest snapshots.")
  int last;

  @Option(
      names = "--keep-hourly",
      paramLabel = "N",
      description = "Keep the newest snapshot of each of the N latest hours that have one (UTC).")
  int hourly;

  @Option(names = "--keep-daily", paramLabel = "N", description = "The same for days.")
  int daily;

  @Option(names = "--keep-weekly", paramLabel = "N", description = "The same for ISO weeks.")
  int weekly;

  @Option(names = "--keep-monthly", paramLabel = "N", description = "The same for months.")
  int monthly;

  @Option(names = "--keep-yearly", paramLabel = "N", description = "The same for years.")
  int yearly;

  @Option(
      names = "--keep-within",
      paramLabel = "SPAN",
      description = "Keep every snapshot taken within this span of the newest, such as 7d or 1y6m.")
  String within;

  RetentionPolicy policy() {
    return new RetentionPolicy(
        last,
        hourly,
        daily,
        weekly,
        monthly,
        yearly,
        within == null ? null : CalendarSpan.parse(within, "--keep-within"));
  }
}

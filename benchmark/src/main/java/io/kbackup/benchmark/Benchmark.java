package io.kbackup.benchmark;

import io.kbackup.localkafka.LocalKafka;
import io.kbackup.repository.Repository;
import io.kbackup.storage.FileSystemStorage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Side-by-side benchmark on one local broker: loads a topic of JSON-like records, then times
 * Kafka's ConsumerPerformance against {@code kbackup backup} on that topic and Kafka's
 * ProducerPerformance against {@code kbackup restore} with the same producer settings. Every tool
 * runs as its own JVM, and in each run the tools take turns going first; kbackup runs with {@code
 * -Xmx512m} and its heap is read from its GC log. Prints a Markdown report.
 *
 * <p>Arguments: {@code DIR [SIZE_MB] [RUNS] [COMPRESSION] [continuous]}: a scratch directory, the
 * topic size in MiB (default 4096), the number of runs of each tool (default 3) and the
 * repository's compression as {@code codec:level} (default zstd:1). With {@code continuous}, it
 * measures instead how a continuous backup keeps up while ProducerPerformance fills a topic at full
 * speed.
 */
public final class Benchmark {

  static final int PARTITIONS = 6;
  static final int RECORD_BYTES = 1024;
  static final String TOPIC = "bench-json";
  static final String PRODUCER_SETTINGS =
      "acks=all enable.idempotence=true max.in.flight.requests.per.connection=5 linger.ms=10"
          + " batch.size=262144 buffer.memory=67108864 compression.type=none";

  private final Path dir;
  private final long records;
  private final int runs;
  private final String codec;
  private final String level;
  private final List<String> report = new ArrayList<>();
  private LocalKafka kafka;
  private Path payloads;
  private double topicMib;
  private int profiled;
  private boolean continuous;

  Benchmark(Path dir, long sizeMb, int runs, String compression) {
    this.dir = dir;
    this.records = sizeMb * 1024 * 1024 / RECORD_BYTES;
    this.runs = runs;
    String[] parts = compression.split(":");
    this.codec = parts[0];
    this.level = parts.length > 1 ? parts[1] : "0";
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long sizeMb = args.length > 1 ? Long.parseLong(args[1]) : 4096;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String compression = args.length > 3 ? args[3] : "zstd:1";
    Benchmark benchmark = new Benchmark(dir, sizeMb, runs, compression);
    benchmark.continuous = args.length > 4 && args[4].equals("continuous");
    benchmark.run();
  }

  void run() throws Exception {
    Files.createDirectories(dir);
    payloads = dir.resolve("payloads.json");
    writePayloads(payloads);
    say("starting the broker");
    try (LocalKafka k =
        LocalKafka.start(
            dir.resolve("kafka"), Map.of("num.io.threads", "4", "num.network.threads", "2"))) {
      kafka = k;
      if (continuous) {
        for (int run = 1; run <= runs; run++) {
          continuousBackup(run);
        }
      } else {
        load();
        Path repo = compareBackups();
        Timed unchanged = backup(repo, null);
        report.add("");
        report.add(
            String.format(
                Locale.ROOT,
                "Backup with no new records (incremental, same repository): %.1f s.",
                unchanged.seconds()));
        compareRestores(repo);
      }
    }
    writeReport();
  }

  private void writeReport() throws IOException {
    String text = String.join("\n", report) + "\n";
    Files.writeString(dir.resolve("results.md"), text);
    System.out.println();
    System.out.println(text);
  }

  private void load() throws Exception {
    createTopic(TOPIC);
    say("loading " + records + " records of about " + RECORD_BYTES + " bytes into " + TOPIC);
    Timed load =
        producerPerformance(TOPIC, "acks=1 linger.ms=20 batch.size=524288 compression.type=none");
    topicMib = directorySize(dir.resolve("kafka/data"), TOPIC) / 1048576.0;
    say(String.format(Locale.ROOT, "loaded %.0f MiB in %.1f s", topicMib, load.seconds()));
    report.add(
        String.format(
            Locale.ROOT,
            "Topic: %s, %d partitions, %d records, %.0f MiB on the broker's disk (records of about %d"
                + " bytes of JSON-like text, uncompressed in Kafka).",
            TOPIC,
            PARTITIONS,
            records,
            topicMib,
            RECORD_BYTES));
  }

  /** Runs ConsumerPerformance and a full kbackup backup, in turns; returns the last repository. */
  private Path compareBackups() throws Exception {
    report.add("");
    report.add(
        "| run | ConsumerPerformance | kbackup backup ("
            + codec
            + " "
            + level
            + ") | ratio | kbackup heap: peak / live after GC | repository size |");
    report.add("|---|---|---|---|---|---|");
    List<Double> ratios = new ArrayList<>();
    Path repo = null;
    for (int run = 1; run <= runs; run++) {
      if (repo != null) {
        deleteTree(repo);
      }
      repo = dir.resolve("repo-" + run);
      init(repo);
      Path gc = dir.resolve("gc-backup-" + run + ".log");
      Timed consumer = run % 2 == 1 ? consumerPerformance() : null;
      Timed backup = backup(repo, gc);
      if (consumer == null) {
        consumer = consumerPerformance();
      }
      double ratio = consumer.seconds() / backup.seconds();
      ratios.add(ratio);
      report.add(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %.2f | %s | %.0f MiB |",
              run,
              rate(consumer),
              rate(backup),
              ratio,
              heap(gc),
              directorySize(repo, "") / 1048576.0));
      say(report.get(report.size() - 1));
    }
    report.add("");
    report.add(
        String.format(
            Locale.ROOT, "Median backup ratio: %.2f× ConsumerPerformance.", median(ratios)));
    return repo;
  }

  /**
   * Runs {@code backup --continuous} on a new topic while ProducerPerformance fills it at full
   * speed with the restore's producer settings: the producer's rate, the worst recovery point seen
   * (the age of the newest snapshot's cut, sampled every 250 ms), and how long after the producer
   * ended the last record was in a snapshot.
   */
  private void continuousBackup(int run) throws Exception {
    String topic = "bench-tail-" + run;
    createTopic(topic);
    Path repo = dir.resolve("repo-continuous-" + run);
    init(repo);
    Path log = dir.resolve("continuous-" + run + ".log");
    Process tail =
        start(
            List.of("-Xmx512m", "-Xlog:gc:file=" + dir.resolve("gc-continuous-" + run + ".log")),
            "io.kbackup.cli.Main",
            log,
            "backup",
            "--continuous",
            "--commit-every",
            "10s",
            "--repo",
            repo.toString(),
            "-b",
            kafka.bootstrapServers(),
            "--topics",
            topic);
    Repository repository = Repository.open(new FileSystemStorage(repo));
    while (repository.latestSnapshot().isEmpty()) {
      if (!tail.isAlive()) {
        throw new IllegalStateException("the continuous backup ended:\n" + Files.readString(log));
      }
      Thread.sleep(250);
    }
    CompletableFuture<Timed> producer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return producerPerformance(topic, PRODUCER_SETTINGS);
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            });
    double worstLag = 0;
    while (!producer.isDone()) {
      worstLag = Math.max(worstLag, lagSeconds(repository));
      Thread.sleep(250);
    }
    double producerSeconds = producer.get().seconds();
    Instant producerDone = Instant.now();
    while (repository.latestSnapshot().orElseThrow().recordCount() < records) {
      worstLag = Math.max(worstLag, lagSeconds(repository));
      Thread.sleep(250);
    }
    double catchUp = Duration.between(producerDone, Instant.now()).toMillis() / 1000.0;
    tail.destroy();
    int rc = tail.waitFor();
    if (rc != 0) {
      throw new IllegalStateException(
          "continuous backup exit " + rc + ":\n" + Files.readString(log));
    }
    double mib = directorySize(dir.resolve("kafka/data"), topic) / 1048576.0;
    if (run == 1) {
      report.add("");
      report.add(
          "| run | ProducerPerformance into the tailed topic | worst recovery point seen"
              + " (--commit-every 10s, --commit-bytes 256MiB) | last record in a snapshot after"
              + " the producer ended |"
              + " snapshots | kbackup heap: peak / live after GC |");
      report.add("|---|---|---|---|---|---|");
    }
    report.add(
        String.format(
            Locale.ROOT,
            "| %d | %.0f MiB in %.1f s, %.0f MiB/s | %.1f s | %.1f s | %d | %s |",
            run,
            mib,
            producerSeconds,
            mib / producerSeconds,
            worstLag,
            catchUp,
            repository.snapshots().size(),
            heap(dir.resolve("gc-continuous-" + run + ".log"))));
    say(report.get(report.size() - 1));
    deleteTopic(topic);
  }

  private void init(Path repo) throws Exception {
    kbackup(
        List.of(),
        "init",
        "--repo",
        repo.toString(),
        "--compression",
        codec,
        "--compression-level",
        level);
  }

  private static double lagSeconds(Repository repository) throws IOException {
    var latest = repository.latestSnapshot();
    return latest
        .map(s -> Duration.between(Instant.parse(s.cutTime()), Instant.now()).toMillis() / 1000.0)
        .orElse(0.0);
  }

  /** Runs ProducerPerformance and kbackup restore with the same producer settings, in turns. */
  private void compareRestores(Path repo) throws Exception {
    report.add("");
    report.add("Producer settings for both tools: `" + PRODUCER_SETTINGS + "`.");
    report.add("");
    report.add(
        "| run | ProducerPerformance | kbackup restore | ratio | kbackup heap: peak / live after GC |");
    report.add("|---|---|---|---|---|");
    List<Double> ratios = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      String perfTopic = "perf-target-" + run;
      String target = "restore-target-" + run;
      Path gc = dir.resolve("gc-restore-" + run + ".log");
      Timed producer = run % 2 == 1 ? producerRun(perfTopic) : null;
      Timed restore =
          kbackup(
              List.of("-Xlog:gc:file=" + gc),
              "restore",
              "--repo",
              repo.toString(),
              "-b",
              kafka.bootstrapServers(),
              "--topics",
              TOPIC,
              "--topic-map",
              TOPIC + "=" + target,
              "--parallelism",
              Integer.toString(PARTITIONS));
      deleteTopic(target);
      if (producer == null) {
        producer = producerRun(perfTopic);
      }
      double ratio = producer.seconds() / restore.seconds();
      ratios.add(ratio);
      report.add(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %.2f | %s |",
              run,
              rate(producer),
              rate(restore),
              ratio,
              heap(gc)));
      say(report.get(report.size() - 1));
    }
    report.add("");
    report.add(
        String.format(
            Locale.ROOT, "Median restore ratio: %.2f× ProducerPerformance.", median(ratios)));
  }

  private Timed producerRun(String topic) throws Exception {
    createTopic(topic);
    Timed timed = producerPerformance(topic, PRODUCER_SETTINGS);
    deleteTopic(topic);
    return timed;
  }

  private String rate(Timed t) {
    return String.format(Locale.ROOT, "%.1f s, %.0f MiB/s", t.seconds(), topicMib / t.seconds());
  }

  private record Timed(double seconds, String output) {}

  private Timed backup(Path repo, Path gcLog) throws Exception {
    List<String> options = gcLog == null ? List.of() : List.of("-Xlog:gc:file=" + gcLog);
    return kbackup(
        options,
        "backup",
        "--repo",
        repo.toString(),
        "-b",
        kafka.bootstrapServers(),
        "--topics",
        TOPIC);
  }

  private Timed consumerPerformance() throws Exception {
    return java(
        List.of(),
        "org.apache.kafka.tools.ConsumerPerformance",
        "--bootstrap-server",
        kafka.bootstrapServers(),
        "--topic",
        TOPIC,
        "--num-records",
        Long.toString(records),
        "--timeout",
        "120000");
  }

  private Timed producerPerformance(String topic, String settings) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--topic",
                topic,
                "--num-records",
                Long.toString(records),
                "--throughput",
                "-1",
                "--payload-file",
                payloads.toString(),
                "--bootstrap-server",
                kafka.bootstrapServers(),
                "--command-property"));
    args.addAll(List.of(settings.split(" ")));
    return java(
        List.of(), "org.apache.kafka.tools.ProducerPerformance", args.toArray(String[]::new));
  }

  private Timed kbackup(List<String> jvmOptions, String... args) throws Exception {
    List<String> options = new ArrayList<>(List.of("-Xmx512m"));
    options.addAll(jvmOptions);
    // for profiling one command, e.g. KBACKUP_BENCH_PROFILE=backup and JFR options with %n
    String extra = System.getenv("KBACKUP_BENCH_JVM_OPTS");
    String only = System.getenv("KBACKUP_BENCH_PROFILE");
    if (extra != null && !extra.isBlank() && (only == null || only.equals(args[0]))) {
      String n = Integer.toString(++profiled);
      for (String option : extra.trim().split("\\s+")) {
        options.add(option.replace("%n", n));
      }
    }
    return java(options, "io.kbackup.cli.Main", args);
  }

  private Timed java(List<String> jvmOptions, String mainClass, String... args) throws Exception {
    Path log = Files.createTempFile(dir, "tool-", ".log");
    settle();
    Instant start = Instant.now();
    Process p = start(jvmOptions, mainClass, log, args);
    int rc = p.waitFor();
    double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
    String output = Files.readString(log);
    Files.delete(log);
    if (rc != 0) {
      throw new IllegalStateException(
          mainClass + " " + String.join(" ", args) + " failed with " + rc + ":\n" + output);
    }
    return new Timed(seconds, output);
  }

  private static Process start(List<String> jvmOptions, String mainClass, Path log, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /**
   * Writes dirty pages out before each timed step, so no tool pays for the writes of the one before
   * it.
   */
  private static void settle() throws Exception {
    new ProcessBuilder("sync").inheritIO().start().waitFor();
  }

  private void createTopic(String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
    }
  }

  private void deleteTopic(String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.deleteTopics(List.of(topic)).all().get();
    }
  }

  /** JSON-like records of about RECORD_BYTES bytes each, varied so compression is realistic. */
  static void writePayloads(Path file) throws IOException {
    Random random = new Random(42);
    String[] words = {
      "alpha",
      "bravo",
      "charlie",
      "delta",
      "echo",
      "foxtrot",
      "golf",
      "hotel",
      "india",
      "juliet",
      "kilo",
      "lima",
      "mike",
      "november",
      "oscar",
      "papa",
      "quebec",
      "romeo",
      "sierra",
      "tango"
    };
    String[] statuses = {"NEW", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"};
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < 5000; i++) {
        StringBuilder b = new StringBuilder(RECORD_BYTES + 64);
        b.append("{\"orderId\":\"")
            .append(Long.toHexString(random.nextLong()))
            .append("\",\"customer\":{\"id\":")
            .append(random.nextInt(1_000_000))
            .append(",\"name\":\"")
            .append(words[random.nextInt(words.length)])
            .append(' ')
            .append(words[random.nextInt(words.length)])
            .append("\",\"email\":\"")
            .append(words[random.nextInt(words.length)])
            .append(random.nextInt(10000))
            .append("@example.com\"},")
            .append("\"status\":\"")
            .append(statuses[random.nextInt(statuses.length)])
            .append("\",\"createdAt\":")
            .append(1_700_000_000_000L + random.nextInt(1_000_000_000))
            .append(",\"items\":[");
        int item = 0;
        while (b.length() < RECORD_BYTES - 120) {
          if (item++ > 0) {
            b.append(',');
          }
          b.append("{\"sku\":\"SKU-")
              .append(random.nextInt(100000))
              .append("\",\"qty\":")
              .append(1 + random.nextInt(9))
              .append(",\"price\":")
              .append(random.nextInt(100000) / 100.0)
              .append(",\"tag\":\"")
              .append(words[random.nextInt(words.length)])
              .append("\"}");
        }
        b.append("],\"note\":\"").append(words[random.nextInt(words.length)]).append("\"}");
        out.write(b.toString());
        out.write('\n');
      }
    }
  }

  /** Greatest heap in use before a collection, and greatest still in use after one. */
  static String heap(Path gcLog) throws IOException {
    if (!Files.exists(gcLog)) {
      return "n/a";
    }
    Pattern p = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    long peak = 0;
    long live = 0;
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        peak = Math.max(peak, Long.parseLong(m.group(1)));
        live = Math.max(live, Long.parseLong(m.group(2)));
      }
    }
    return peak + " / " + live + " MiB";
  }

  static long directorySize(Path root, String prefix) throws IOException {
    if (!Files.exists(root)) {
      return 0;
    }
    try (var paths = Files.walk(root)) {
      return paths
          .filter(Files::isRegularFile)
          .filter(f -> prefix.isEmpty() || root.relativize(f).toString().startsWith(prefix))
          .mapToLong(f -> f.toFile().length())
          .sum();
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static void say(String line) {
    System.out.println("[" + Instant.now() + "] " + line);
  }
}

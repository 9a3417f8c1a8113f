package io.kbackup.cli;

import io.kbackup.verify.VerifyReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Collection;
import java.util.Random;
import java.util.TreeSet;

/**
 * The count, seed and findings of one kill test. {@code -Dkbackup.killPoints=N} sets the number of
 * kill points (each test has its own small default for CI), {@code -Dkbackup.killSeed=S} repeats a
 * run. A finding fails the test at once, since the first one with its round and seed is what a
 * reader needs; the summary line, printed whatever happened, is what {@code soak/run} collects:
 *
 * <pre>kill summary: kind=backup points=1000/1000 seed=42 invalid-repositories=0
 * lost-committed-snapshots=0 duplicates=0 losses=0 result=PASS</pre>
 *
 * <p>With {@code -Dkbackup.killProgress=FILE} each point done and the summary are also appended to
 * that file as they happen, so that a soak that is still running can be read.
 */
final class KillTally {

  static final String SUMMARY = "kill summary: ";

  final String kind;
  final int points;
  final long seed;
  final Random random;
  private int done;
  private int invalidRepositories;
  private int lostSnapshots;
  private int duplicates;
  private int losses;
  private String failure;

  private KillTally(String kind, int points, long seed) {
    this.kind = kind;
    this.points = points;
    this.seed = seed;
    this.random = new Random(seed);
  }

  /** Reads the count and seed, and prints them so that a failing run can be repeated. */
  static KillTally start(String kind, int defaultPoints) {
    int points = Integer.getInteger("kbackup.killPoints", defaultPoints);
    long seed = Long.getLong("kbackup.killSeed", System.nanoTime());
    System.out.println("kill test " + kind + ": " + points + " points, -Dkbackup.killSeed=" + seed);
    return new KillTally(kind, points, seed);
  }

  /** The context of an assertion: the point and the seed that reach it again. */
  String at(int point) {
    return kind + " point " + point + ", seed " + seed;
  }

  void pointDone() {
    done++;
    progress("point " + done + "/" + points + " passed");
  }

  private static void progress(String line) {
    String file = System.getProperty("kbackup.killProgress");
    if (file == null) {
      return;
    }
    try {
      Files.writeString(
          Path.of(file),
          Instant.now() + " " + line + System.lineSeparator(),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Verify found no problem in the repository. */
  void sound(VerifyReport report, String context) {
    if (!report.problems().isEmpty()) {
      invalidRepositories++;
      fail(context + ": verify found " + report.problems());
    }
  }

  /** A repository that verify ended with a non-zero exit. */
  void sound(CliRunner.Result verify, String context) {
    if (verify.exitCode() != 0) {
      invalidRepositories++;
      fail(context + ": verify exit " + verify.exitCode() + ": " + verify.out() + verify.err());
    }
  }

  /** Every snapshot that must still be there is there. */
  void kept(Collection<String> mustRemain, Collection<String> present, String context) {
    TreeSet<String> lost = new TreeSet<>(mustRemain);
    lost.removeAll(present);
    if (!lost.isEmpty()) {
      lostSnapshots += lost.size();
      fail(context + ": committed snapshots lost: " + lost);
    }
  }

  /** A committed snapshot that can no longer be read whole. */
  void lostSnapshot(String context) {
    lostSnapshots++;
    fail(context);
  }

  void duplicate(String context) {
    duplicates++;
    fail(context);
  }

  void loss(String context) {
    losses++;
    fail(context);
  }

  private void fail(String message) {
    failure = message;
    throw new AssertionError(message);
  }

  /** The one line soak/run reads; {@code error} is what ended the test, or null. */
  String summary(Throwable error) {
    String result = failure == null && error == null && done == points ? "PASS" : "FAIL";
    return SUMMARY
        + "kind="
        + kind
        + " points="
        + done
        + "/"
        + points
        + " seed="
        + seed
        + " invalid-repositories="
        + invalidRepositories
        + " lost-committed-snapshots="
        + lostSnapshots
        + " duplicates="
        + duplicates
        + " losses="
        + losses
        + " result="
        + result;
  }

  /** A test body run against this tally. */
  interface Body {
    void run() throws Exception;
  }

  /** Runs the body and prints the summary, whatever ended it. */
  void run(Body body) throws Exception {
    Throwable error = null;
    try {
      body.run();
    } catch (Exception | Error e) {
      error = e;
      throw e;
    } finally {
      System.out.println(summary(error));
      progress(summary(error));
      if (error != null) {
        progress("ended by: " + error);
      }
    }
  }
}

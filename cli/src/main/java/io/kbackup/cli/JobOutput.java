package io.kbackup.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.time.Instant;

/**
 * The output of a daemon job, passed on to the daemon's output line by line as the job prints it,
 * each line marked with the time and the job's name.
 */
final class JobOutput extends Writer {

  private final PrintWriter out;
  private final String job;
  private final StringBuilder pending = new StringBuilder();

  JobOutput(PrintWriter out, String job) {
    this.out = out;
    this.job = job;
  }

  @Override
  public synchronized void write(char[] chars, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (chars[i] == '\n') {
        emit();
      } else if (chars[i] != '\r') {
        pending.append(chars[i]);
      }
    }
  }

  /** A line of the daemon's own about the job. */
  void note(String line) {
    synchronized (out) {
      out.println(Instant.now() + " [" + job + "] " + line);
      out.flush();
    }
  }

  private void emit() {
    note(pending.toString());
    pending.setLength(0);
  }

  @Override
  public synchronized void flush() {}

  @Override
  public synchronized void close() {
    if (pending.length() > 0) {
      emit();
    }
  }
}

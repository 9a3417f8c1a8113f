package io.kbackup.error;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** The results of tasks run on other threads, with what they threw thrown again as it was. */
public final class TaskResults {

  private TaskResults() {}

  /**
   * Waits for the task; its IOException, unchecked exception or error is thrown here unchanged, and
   * an interruption of the waiting thread is exit code 130.
   */
  public static <T> T await(Future<T> task) throws IOException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KbackupException(ExitCode.INTERRUPTED, "interrupted", null, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException(cause);
    }
  }
}

package io.kbackup.storage.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;
import com.azure.core.util.Context;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the tries of the conditional requests ({@code If-None-Match}) that carry a counter in
 * their {@link Context}: it sits after the retry policy, so it sees every try. A conditional write
 * answered "already exists" after a retry may have been stored by its own first attempt. An upload
 * in blocks stages them unconditionally under the same context; only its commit is counted.
 */
final class AttemptCounter extends HttpPipelineSyncPolicy {

  private static final String KEY = "kbackup-attempts";

  /** A context whose requests count their attempts in {@code attempts}. */
  static Context counting(AtomicInteger attempts) {
    return new Context(KEY, attempts);
  }

  @Override
  protected void beforeSendingRequest(HttpPipelineCallContext context) {
    if (context.getHttpRequest().getHeaders().getValue(HttpHeaderName.IF_NONE_MATCH) != null) {
      context.getData(KEY).ifPresent(attempts -> ((AtomicInteger) attempts).incrementAndGet());
    }
  }

  @Override
  public HttpPipelinePosition getPipelinePosition() {
    return HttpPipelinePosition.PER_RETRY;
  }
}

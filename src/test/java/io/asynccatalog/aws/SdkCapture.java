package io.asynccatalog.aws;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An SDK client's interceptor that keeps the request as the client signed it, just before it would be sent, and
 * stops it there: what a direct call must equal.
 */
final class SdkCapture implements ExecutionInterceptor {
  private final AtomicReference<SdkHttpRequest> signed = new AtomicReference<>();

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    signed.set(context.httpRequest());
    throw new IllegalStateException("captured, not sent");
  }

  /** Makes the call (which fails, since nothing is sent) and answers the request as the client signed it. */
  SdkHttpRequest signed(Supplier<CompletableFuture<?>> call) {
    assertThrows(ExecutionException.class, () -> call.get().get());
    return signed.get();
  }
}

package io.asynccatalog.store;

import io.asynccatalog.aws.AwsFutures;
import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.domain.ReportLocation;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.util.Optional;

/** The report bucket: one object per key, written whole; rewriting a key with the same bytes is harmless. */
public final class ReportBucket {
  private final S3AsyncClient s3;
  private final CircuitBreaker breaker;
  private final String bucket;

  public ReportBucket(S3AsyncClient s3, CircuitBreaker breaker, String bucket) {
    this.s3 = s3;
    this.breaker = breaker;
    this.bucket = bucket;
  }

  public Future<Void> put(String key, byte[] content, String contentType) {
    return breaker.execute(() -> AwsFutures.bridge(s3.putObject(b -> b.bucket(bucket).key(key)
            .contentType(contentType), AsyncRequestBody.fromBytes(content))))
        .mapEmpty();
  }

  /** The report's bytes (a range of a batch object, or a whole object), or empty when it is not there. */
  public Future<Optional<Buffer>> get(ReportLocation location) {
    return breaker.<Optional<Buffer>>execute(() -> AwsFutures.bridge(s3.getObject(b -> {
              b.bucket(bucket).key(location.key());
              if (location.isRange()) {
                b.range("bytes=" + location.offset() + "-" + (location.offset() + location.length() - 1));
              }
            }, AsyncResponseTransformer.toBytes()))
        .map(bytes -> Optional.of(Buffer.buffer(bytes.asByteArrayUnsafe())))
        .recover(error -> isMissing(error) ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(error)));
  }

  private static boolean isMissing(Throwable error) {
    return Dependencies.unwrap(error) instanceof NoSuchKeyException;
  }
}

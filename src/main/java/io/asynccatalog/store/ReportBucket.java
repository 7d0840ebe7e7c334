package io.asynccatalog.store;

import io.asynccatalog.aws.AwsFutures;
import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.aws.SignedPutObject;
import io.asynccatalog.domain.ReportLocation;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The report bucket: one object per key, written whole; rewriting a key with the same bytes is harmless. Objects
 * are written by the S3 client, or by {@link SignedPutObject} where it is configured (the same request and
 * signature without the SDK's per-call pipeline); everything else goes through the S3 client.
 */
public final class ReportBucket {
  private final S3AsyncClient s3;
  private final Optional<SignedPutObject> signedPuts;
  private final CircuitBreaker breaker;
  private final String bucket;

  public ReportBucket(S3AsyncClient s3, CircuitBreaker breaker, String bucket) {
    this(s3, Optional.empty(), breaker, bucket);
  }

  public ReportBucket(S3AsyncClient s3, Optional<SignedPutObject> signedPuts, CircuitBreaker breaker, String bucket) {
    this.s3 = s3;
    this.signedPuts = signedPuts;
    this.breaker = breaker;
    this.bucket = bucket;
  }

  /**
   * Writes the object; the call gives up after {@code timeout} (what is left of the save's deadline, at most the call
   * timeout). S3 checks the object against the CRC32 computed here from the very bytes we render. Handing the SDK the
   * checksum as a header also spares it the trailing-checksum (aws-chunked) encoding it uses when it computes one.
   */
  public Future<Void> put(String key, byte[] content, String contentType, Duration timeout) {
    String crc32 = crc32(content);
    if (signedPuts.isPresent()) {
      return breaker.execute(() -> signedPuts.get().put(key, content, contentType, crc32, timeout));
    }
    return breaker.execute(() -> AwsFutures.bridge(s3.putObject(b -> b.bucket(bucket).key(key)
            .contentType(contentType).checksumCRC32(crc32).overrideConfiguration(o -> o.apiCallTimeout(timeout)),
            AsyncRequestBody.fromBytes(content))))
        .mapEmpty();
  }

  /** The base64 CRC32 of the bytes, as S3 takes it in x-amz-checksum-crc32. */
  public static String crc32(byte[] content) {
    CRC32 crc = new CRC32();
    crc.update(content);
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
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

  /** Whether an object is there (HeadObject); the call gives up after {@code timeout}. */
  public Future<Boolean> exists(String key, Duration timeout) {
    return breaker.<Boolean>execute(() -> AwsFutures.bridge(s3.headObject(b -> b.bucket(bucket).key(key)
            .overrideConfiguration(o -> o.apiCallTimeout(timeout))))
        .map(head -> true)
        .recover(error -> isMissing(error) ? Future.succeededFuture(false) : Future.failedFuture(error)));
  }

  /** HeadBucket through the breaker: whether the bucket is reachable, before any report is tried on it. */
  public Future<Void> probe() {
    return breaker.<Void>execute(() -> AwsFutures.bridge(s3.headBucket(b -> b.bucket(bucket))).mapEmpty());
  }

  private static boolean isMissing(Throwable error) {
    Throwable cause = Dependencies.unwrap(error);
    return cause instanceof NoSuchKeyException
        || (cause instanceof S3Exception s3 && s3.statusCode() == 404); // HeadObject's 404 carries no body
  }
}

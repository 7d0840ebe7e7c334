package io.asynccatalog.aws;

import io.asynccatalog.aws.VertxSdkHttpClient.Exchange;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * S3's {@code PutObject} of one report, the service's one call per product on the per-product path, as a request we
 * write ourselves ({@link SignedRequests}): the same method, path, headers and signature as the SDK's client sends
 * for {@code putObject(bucket, key, contentType, checksumCRC32)}, without its per-call pipeline.
 */
public final class SignedPutObject {
  private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
  private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

  private final SignedRequests requests;
  private final URI bucketUrl;

  SignedPutObject(SignedRequests requests, URI bucketUrl) {
    this.requests = requests;
    this.bucketUrl = bucketUrl;
  }

  /**
   * The bucket's endpoint and signing scope as the S3 client resolves them (its own endpoint provider, with the
   * client's endpoint override, path style and region; FIPS and dual-stack from the environment); empty where the
   * endpoint asks for another auth scheme than SigV4 (S3 Express directory buckets, multi-region access points),
   * which stay on the SDK's path.
   */
  static Optional<SignedEndpoint> resolve(S3EndpointProvider endpoints, Region region, String bucket,
                                          Optional<URI> endpointOverride, boolean pathStyle) {
    return SignedEndpoint.of(endpoints.resolveEndpoint(S3EndpointParams.builder()
        .region(region)
        .bucket(bucket)
        .forcePathStyle(pathStyle)
        .useFips(SignedEndpoint.fips())
        .useDualStack(SignedEndpoint.dualStack())
        .endpoint(endpointOverride.map(URI::toString).orElse(null))
        .build()), region, "s3", true);
  }

  /** Writes the object; {@code crc32} is its base64 CRC32, which S3 checks against the bytes it receives. */
  public Future<Void> put(String key, byte[] content, String contentType, String crc32, Duration timeout) {
    return requests.send(request(key, content.length, contentType, crc32), Buffer.buffer(content), timeout,
            SignedPutObject::error)
        .mapEmpty();
  }

  SdkHttpRequest request(String key, int length, String contentType, String crc32) {
    String base = bucketUrl.getRawPath() == null ? "" : bucketUrl.getRawPath();
    String path = (base.endsWith("/") ? base : base + "/") + SdkHttpUtils.urlEncodeIgnoreSlashes(key);
    return SdkHttpRequest.builder()
        .method(SdkHttpMethod.PUT)
        .protocol(bucketUrl.getScheme())
        .host(bucketUrl.getHost())
        .port(bucketUrl.getPort() == -1 ? null : bucketUrl.getPort())
        .encodedPath(path)
        .putHeader("Content-Length", Integer.toString(length))
        .putHeader("Content-Type", contentType)
        .putHeader("x-amz-checksum-crc32", crc32)
        .build();
  }

  /** S3's error answer (an XML body, none for HEAD) as the S3 client would throw it. */
  static AwsServiceException error(Exchange answer) {
    String body = answer.body().toString();
    String code = first(CODE, body).orElse(answer.status() >= 500 ? "InternalError" : null);
    String message = first(MESSAGE, body).orElse(code != null ? code : "HTTP " + answer.status());
    Map<String, List<String>> headers = new LinkedHashMap<>();
    answer.headers().forEach(e -> headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>(1)).add(e.getValue()));
    AwsErrorDetails details = AwsErrorDetails.builder()
        .errorCode(code)
        .errorMessage(message)
        .serviceName("S3")
        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(answer.status()).headers(headers).build())
        .rawResponse(software.amazon.awssdk.core.SdkBytes.fromByteArray(answer.body().getBytes()))
        .build();
    AwsServiceException.Builder error = "NoSuchBucket".equals(code) ? NoSuchBucketException.builder()
        : S3Exception.builder();
    return error.statusCode(answer.status())
        .requestId(answer.headers().get("x-amz-request-id"))
        .extendedRequestId(answer.headers().get("x-amz-id-2"))
        .awsErrorDetails(details)
        .message(message)
        .build();
  }

  private static Optional<String> first(Pattern pattern, String body) {
    Matcher matcher = pattern.matcher(body);
    return matcher.find() ? Optional.of(unescape(matcher.group(1))) : Optional.empty();
  }

  private static String unescape(String xml) {
    return xml.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
        .replace("&amp;", "&");
  }
}

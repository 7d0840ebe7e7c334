package io.asynccatalog.aws;

import io.asynccatalog.aws.VertxSdkHttpClient.Exchange;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Error answers of the AWS JSON protocols (DynamoDB, SQS), read as the SDK's JSON error unmarshaller reads them. */
final class AwsJsonErrors {
  private AwsJsonErrors() {}

  /** An error's code and message. */
  record Parsed(String code, String message) {}

  /**
   * The code is the shape name after '#' in {@code __type}, or, for a query-compatible service (SQS), the code its
   * {@code queryErrorHeader} gives ({@code x-amzn-query-error: AWS.SimpleQueueService.NonExistentQueue;Sender}).
   */
  static Parsed parse(Exchange answer, String queryErrorHeader) {
    String code = null;
    String message = null;
    try {
      JsonObject json = new JsonObject(answer.body());
      String type = json.getString("__type");
      code = type == null ? null : type.substring(type.indexOf('#') + 1);
      message = json.getString("message", json.getString("Message"));
    } catch (RuntimeException notJson) {
      // a proxy's or load balancer's page: the status says enough
    }
    String queryError = queryErrorHeader == null ? null : answer.headers().get(queryErrorHeader);
    if (queryError != null && queryError.indexOf(';') > 0) {
      code = queryError.substring(0, queryError.indexOf(';'));
    }
    if (code == null && answer.status() >= 500) {
      code = "InternalServerError";
    }
    return new Parsed(code, message != null ? message : code != null ? code : "HTTP " + answer.status());
  }

  static AwsServiceException build(AwsServiceException.Builder error, Parsed parsed, Exchange answer,
                                   String serviceName) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    answer.headers().forEach(e -> headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>(1)).add(e.getValue()));
    AwsErrorDetails details = AwsErrorDetails.builder()
        .errorCode(parsed.code())
        .errorMessage(parsed.message())
        .serviceName(serviceName)
        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(answer.status()).headers(headers).build())
        .rawResponse(SdkBytes.fromByteArray(answer.body().getBytes()))
        .build();
    return error.statusCode(answer.status())
        .requestId(answer.headers().get("x-amzn-RequestId"))
        .awsErrorDetails(details)
        .message(parsed.message())
        .build();
  }
}

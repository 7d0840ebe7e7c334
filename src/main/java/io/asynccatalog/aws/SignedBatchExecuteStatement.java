package io.asynccatalog.aws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.asynccatalog.aws.VertxSdkHttpClient.Exchange;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.endpoints.DynamoDbEndpointParams;
import software.amazon.awssdk.services.dynamodb.endpoints.DynamoDbEndpointProvider;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchExecuteStatementResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementError;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * DynamoDB's {@code BatchExecuteStatement} as a request we write ourselves ({@link SignedRequests}): the AWS JSON
 * 1.0 body the SDK's client would marshal for the same statements, signed the same way, its answer read into the
 * SDK's model and checked against DynamoDB's {@code x-amz-crc32} header as the SDK checks it. The SDK's generic
 * marshalling of 25 statements' parameters was a fifth of the bulk path's CPU (a JFR profile in the bench).
 */
public final class SignedBatchExecuteStatement implements BatchStatements {
  private static final JsonFactory JSON = new JsonFactory();
  private static final String TARGET = "DynamoDB_20120810.BatchExecuteStatement";

  private final SignedRequests requests;
  private final URI endpoint;

  SignedBatchExecuteStatement(SignedRequests requests, URI endpoint) {
    this.requests = requests;
    this.endpoint = endpoint;
  }

  /**
   * The endpoint and signing scope the DynamoDB client resolves (its endpoint provider, with its override and
   * region; FIPS, dual-stack and account-endpoint mode from the environment), for credentials without an account
   * id; empty where the endpoint wants another signature than SigV4.
   */
  static Optional<SignedEndpoint> resolve(DynamoDbEndpointProvider endpoints, Region region,
                                          Optional<URI> endpointOverride) {
    try {
      return SignedEndpoint.of(endpoints.resolveEndpoint(DynamoDbEndpointParams.builder()
          .region(region)
          .useFips(SignedEndpoint.fips())
          .useDualStack(SignedEndpoint.dualStack())
          .accountIdEndpointMode(SdkSystemSetting.AWS_ACCOUNT_ID_ENDPOINT_MODE.getStringValue().orElse("preferred"))
          .endpoint(endpointOverride.map(URI::toString).orElse(null))
          .build()), region, "dynamodb", false);
    } catch (RuntimeException needsAnAccountId) { // AWS_ACCOUNT_ID_ENDPOINT_MODE=required: the SDK's path resolves it
      return Optional.empty();
    }
  }

  @Override
  public Future<BatchExecuteStatementResponse> execute(List<BatchStatementRequest> statements, Duration timeout) {
    Buffer body = body(statements);
    return requests.send(request(body.length()), body, timeout, ANSWERS)
        .compose(answer -> {
          try {
            return Future.succeededFuture(response(answer.body()));
          } catch (RuntimeException unreadable) { // as the SDK's client fails an answer it cannot unmarshal
            return Future.failedFuture(SdkClientException.builder().message("Unable to unmarshall response ("
                + unreadable.getMessage() + ")").cause(unreadable).build());
          }
        });
  }

  SdkHttpRequest request(int length) {
    return SignedRequests.jsonPost(endpoint, TARGET, length).build();
  }

  /** The body the SDK's JSON marshaller writes for these statements. */
  static Buffer body(List<BatchStatementRequest> statements) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * statements.size());
    try (JsonGenerator json = JSON.createGenerator(bytes)) {
      json.writeStartObject();
      json.writeArrayFieldStart("Statements");
      for (BatchStatementRequest statement : statements) {
        json.writeStartObject();
        json.writeStringField("Statement", statement.statement());
        if (statement.hasParameters()) {
          json.writeArrayFieldStart("Parameters");
          for (AttributeValue parameter : statement.parameters()) {
            AttributeValueJson.write(json, parameter);
          }
          json.writeEndArray();
        }
        if (statement.consistentRead() != null) {
          json.writeBooleanField("ConsistentRead", statement.consistentRead());
        }
        if (statement.returnValuesOnConditionCheckFailure() != null) {
          json.writeStringField("ReturnValuesOnConditionCheckFailure",
              statement.returnValuesOnConditionCheckFailureAsString());
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory
    }
    return Buffer.buffer(bytes.toByteArray());
  }

  static BatchExecuteStatementResponse response(Buffer body) {
    JsonObject json = new JsonObject(body);
    List<BatchStatementResponse> responses = new ArrayList<>();
    for (Object element : json.getJsonArray("Responses", new io.vertx.core.json.JsonArray())) {
      JsonObject answer = (JsonObject) element;
      BatchStatementResponse.Builder response = BatchStatementResponse.builder()
          .tableName(answer.getString("TableName"));
      JsonObject item = answer.getJsonObject("Item");
      if (item != null) {
        response.item(AttributeValueJson.item(item));
      }
      JsonObject error = answer.getJsonObject("Error");
      if (error != null) {
        BatchStatementError.Builder failed = BatchStatementError.builder()
            .code(error.getString("Code"))
            .message(error.getString("Message"));
        JsonObject old = error.getJsonObject("Item");
        if (old != null) {
          failed.item(AttributeValueJson.item(old));
        }
        response.error(failed.build());
      }
      responses.add(response.build());
    }
    return BatchExecuteStatementResponse.builder().responses(responses).build();
  }

  private static final SignedRequests.Answers ANSWERS = new SignedRequests.Answers() {
    @Override
    public AwsServiceException error(Exchange answer) {
      return SignedBatchExecuteStatement.error(answer);
    }

    @Override
    public Throwable spoiled(Exchange answer) {
      return crc32Mismatch(answer);
    }
  };

  /** DynamoDB's CRC32 of the body it sent: a mismatch is a corrupted answer, retried as a transport failure. */
  static SdkClientException crc32Mismatch(Exchange answer) {
    String expected = answer.headers().get("x-amz-crc32");
    if (expected == null) {
      return null;
    }
    CRC32 crc = new CRC32();
    crc.update(answer.body().getBytes());
    if (crc.getValue() == Long.parseLong(expected)) {
      return null;
    }
    return SdkClientException.builder().message("DynamoDB's answer does not match its CRC32 (" + expected
        + " announced, " + crc.getValue() + " received)").cause(new IOException("CRC32 mismatch")).build();
  }

  /** DynamoDB's JSON error answer as the DynamoDB client would throw it. */
  static AwsServiceException error(Exchange answer) {
    AwsJsonErrors.Parsed parsed = AwsJsonErrors.parse(answer, null);
    AwsServiceException.Builder error = switch (parsed.code() == null ? "" : parsed.code()) {
      case "ResourceNotFoundException" -> ResourceNotFoundException.builder();
      case "ProvisionedThroughputExceededException" -> ProvisionedThroughputExceededException.builder();
      case "RequestLimitExceeded" -> RequestLimitExceededException.builder();
      case "InternalServerError" -> InternalServerErrorException.builder();
      default -> DynamoDbException.builder();
    };
    return AwsJsonErrors.build(error, parsed, answer, "DynamoDb");
  }
}

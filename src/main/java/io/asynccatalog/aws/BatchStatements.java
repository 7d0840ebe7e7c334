package io.asynccatalog.aws;

import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.BatchExecuteStatementResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementRequest;

import java.time.Duration;
import java.util.List;

/**
 * DynamoDB's {@code BatchExecuteStatement}, the store's write call: through the SDK's client, or as a request of our
 * own ({@link SignedBatchExecuteStatement}, {@code CATALOG_AWS_CALLS=direct}). Both answer with the SDK's model.
 */
public interface BatchStatements {
  /** Runs the statements (at most 25); the call gives up after {@code timeout}. */
  Future<BatchExecuteStatementResponse> execute(List<BatchStatementRequest> statements, Duration timeout);

  static BatchStatements sdk(DynamoDbAsyncClient dynamoDb) {
    return (statements, timeout) -> AwsFutures.bridge(dynamoDb.batchExecuteStatement(b -> b.statements(statements)
        .overrideConfiguration(o -> o.apiCallTimeout(timeout))));
  }
}

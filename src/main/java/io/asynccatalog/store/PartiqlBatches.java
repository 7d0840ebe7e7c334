package io.asynccatalog.store;

import io.asynccatalog.aws.BatchStatements;
import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.bus.Deadline;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementError;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The version fence as PartiQL statements, 25 in one BatchExecuteStatement call, each with its own condition and
 * its own answer: a record read as absent is an {@code INSERT} (which DynamoDB refuses with DuplicateItem when the
 * item exists), a record read at revision r an {@code UPDATE ... WHERE id = ? AND rev = r} that sets every attribute
 * and removes every attribute the record does not hold (a PartiQL UPDATE never creates an item; a missing one or
 * another revision fails its condition), an item stored before versions an UPDATE on {@code rev IS MISSING}. Unlike
 * TransactWriteItems, one stale record does not fail the others, and a statement costs the write units of a
 * PutItem. Statements DynamoDB throttled are sent again after a backoff, within the save's deadline.
 */
final class PartiqlBatches implements FencedWrites {
  /** BatchExecuteStatement's own limit. */
  static final int MAX_STATEMENTS = 25;
  private static final int INSERT = 0;
  private static final int UPDATE = 1;
  private static final int LEGACY = 2;

  private final Vertx vertx;
  private final BatchStatements statementCalls;
  private final CircuitBreaker breaker;
  private final String quotedTable;
  private final Duration callTimeout;
  private final Map<Long, String> texts = new ConcurrentHashMap<>(); // by kind and attributes present

  PartiqlBatches(Vertx vertx, BatchStatements statementCalls, CircuitBreaker breaker, String tableName,
                 Duration callTimeout) {
    this.vertx = vertx;
    this.statementCalls = statementCalls;
    this.breaker = breaker;
    this.quotedTable = quoted(tableName);
    this.callTimeout = callTimeout;
  }

  @Override
  public int perCall() {
    return MAX_STATEMENTS;
  }

  @Override
  public int callsInFlight() {
    return 4; // 100 records in flight per group, as many as a PutItem wave of 64 keeps busy, in 4 calls
  }

  /**
   * A call DynamoDB refused whole (an answer, not an outage: it wrote nothing) is split into calls of one statement,
   * so that a record it cannot take fails alone and never drags the others of its call along.
   */
  @Override
  public Future<Outcome> write(List<ProductStore.Change> changes, Deadline deadline) {
    List<BatchStatementRequest> statements = changes.stream().map(this::statement).toList();
    return send(changes, statements, 0, new Outcome(), deadline).recover(error -> {
      if (changes.size() == 1 || Dependencies.isOutage(error) || Dependencies.maybeDelivered(error)) {
        return Future.failedFuture(error);
      }
      Outcome outcome = new Outcome();
      List<Future<Outcome>> alone = new ArrayList<>();
      for (int i = 0; i < changes.size(); i++) {
        String id = changes.get(i).record().id();
        alone.add(send(List.of(changes.get(i)), List.of(statements.get(i)), 0, outcome, deadline)
            .onFailure(e -> outcome.failed().put(id, e)));
      }
      return Future.join(alone).transform(done -> Future.succeededFuture(outcome));
    });
  }

  private Future<Outcome> send(List<ProductStore.Change> changes, List<BatchStatementRequest> statements,
                               int attempt, Outcome outcome, Deadline deadline) {
    return breaker.execute(() -> statementCalls.execute(statements, deadline.callTimeout(callTimeout)))
        .compose(response -> {
          List<BatchStatementResponse> answers = response.responses();
          if (answers.size() != statements.size()) {
            return Future.failedFuture(new IllegalStateException("DynamoDB answered " + answers.size()
                + " of " + statements.size() + " statements"));
          }
          List<ProductStore.Change> again = new ArrayList<>();
          List<BatchStatementRequest> againStatements = new ArrayList<>();
          String lastCode = null;
          for (int i = 0; i < answers.size(); i++) {
            String id = changes.get(i).record().id();
            BatchStatementError error = answers.get(i).error();
            if (error == null) {
              outcome.written().add(id);
              continue;
            }
            switch (error.codeAsString()) {
              case "ConditionalCheckFailed", "DuplicateItem" -> outcome.conflicts().add(id);
              case "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded",
                   "InternalServerError", "TransactionConflict" -> {
                again.add(changes.get(i));
                againStatements.add(statements.get(i));
                lastCode = error.codeAsString();
              }
              default -> outcome.failed().put(id, refused(error));
            }
          }
          if (again.isEmpty()) {
            return Future.succeededFuture(outcome);
          }
          long delay = UnprocessedBackoff.delayMillis(attempt);
          if (attempt >= UnprocessedBackoff.RETRIES
              || deadline.remaining().toMillis() < delay + UnprocessedBackoff.MIN_CALL_MILLIS) {
            Dependencies.Throttled throttled = new Dependencies.Throttled("DynamoDB answered " + lastCode + " to "
                + again.size() + " statement(s)");
            again.forEach(change -> outcome.failed().put(change.record().id(), throttled));
            return Future.succeededFuture(outcome);
          }
          return vertx.timer(Math.max(1, delay))
              .compose(v -> send(again, againStatements, attempt + 1, outcome, deadline));
        });
  }

  /** A statement DynamoDB refused for itself (a validation error, a missing table, access denied): as its exception. */
  private static DynamoDbException refused(BatchStatementError error) {
    String code = error.codeAsString();
    String exception = code.endsWith("Error") ? code.substring(0, code.length() - "Error".length()) + "Exception"
        : code + "Exception";
    return (DynamoDbException) DynamoDbException.builder().statusCode(400).message(error.message())
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(exception).errorMessage(error.message()).build())
        .build();
  }

  private BatchStatementRequest statement(ProductStore.Change change) {
    AttributeValue[] values = ProductItems.values(change.record());
    int kind = change.expectedRev() == ProductRecord.ABSENT ? INSERT : change.expectedRev() == 0 ? LEGACY : UPDATE;
    int present = 0;
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        present |= 1 << i;
      }
    }
    List<AttributeValue> parameters = new ArrayList<>(values.length + 1);
    if (kind == INSERT) {
      for (AttributeValue value : values) {
        if (value != null) {
          parameters.add(value);
        }
      }
    } else {
      for (int i = 1; i < values.length; i++) {
        if (values[i] != null) {
          parameters.add(values[i]);
        }
      }
      parameters.add(values[0]);
      if (kind == UPDATE) {
        parameters.add(AttributeValue.fromN(Long.toString(change.expectedRev())));
      }
    }
    String text = texts.computeIfAbsent(((long) kind << 32) | present, shape -> text(kind, (int) (long) shape));
    return BatchStatementRequest.builder().statement(text).parameters(parameters).build();
  }

  /**
   * The statement's text for records holding the attributes of {@code present} (bits in ATTRIBUTES order): the same
   * few shapes recur, so each is written once. Parameters follow in ATTRIBUTES order, then (for an UPDATE) the key
   * and the expected revision.
   */
  private String text(int kind, int present) {
    List<String> names = ProductItems.ATTRIBUTES;
    StringBuilder text = new StringBuilder(400);
    if (kind == INSERT) {
      text.append("INSERT INTO ").append(quotedTable).append(" VALUE {");
      boolean first = true;
      for (int i = 0; i < names.size(); i++) {
        if ((present & (1 << i)) != 0) {
          text.append(first ? "'" : ", '").append(names.get(i)).append("': ?");
          first = false;
        }
      }
      return text.append('}').toString();
    }
    text.append("UPDATE ").append(quotedTable);
    for (int i = 1; i < names.size(); i++) {
      if ((present & (1 << i)) != 0) {
        text.append(" SET ").append(quoted(names.get(i))).append(" = ?");
      }
    }
    for (int i = 0; i < names.size(); i++) {
      if ((present & (1 << i)) == 0) {
        text.append(" REMOVE ").append(quoted(names.get(i)));
      }
    }
    text.append(" WHERE ").append(quoted(ProductItems.ID)).append(" = ?");
    return kind == LEGACY
        ? text.append(" AND ").append(quoted(ProductItems.REV)).append(" IS MISSING").toString() // before versions
        : text.append(" AND ").append(quoted(ProductItems.REV)).append(" = ?").toString();
  }

  private static String quoted(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}

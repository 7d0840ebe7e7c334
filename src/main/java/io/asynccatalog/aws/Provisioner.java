package io.asynccatalog.aws;

import io.asynccatalog.StartupException;
import io.asynccatalog.config.CatalogConfig.Resources;
import io.asynccatalog.store.DynamoDbIdempotencyKeys;
import io.asynccatalog.store.ProductItems;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.util.Map;

/**
 * Finds the queue, dead-letter queue, table and bucket, and creates whatever is missing when asked to. Creation is
 * idempotent, so several instances may start at once against the same account.
 */
public final class Provisioner {
  private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);
  private static final String DLQ_RETENTION_SECONDS = Integer.toString(14 * 24 * 3600);
  private static final long TABLE_POLL_MS = 200;
  private static final int TABLE_POLLS = 300;

  private final Vertx vertx;
  private final AwsClients clients;
  private final Region region;
  private final Resources names;

  public Provisioner(Vertx vertx, AwsClients clients, Region region, Resources names) {
    this.vertx = vertx;
    this.clients = clients;
    this.region = region;
    this.names = names;
  }

  /**
   * Resolves every resource; with {@code create}, first creates what is missing. Without {@code tables} (products
   * kept in PostgreSQL) the DynamoDB tables are neither needed nor created.
   */
  public Future<CatalogResources> resolve(boolean create, boolean tables) {
    return queues(create).compose(urls -> (tables ? table(names.tableName(), "id", "CATALOG_TABLE_NAME", create)
            .compose(v -> table(names.idempotencyTableName(), DynamoDbIdempotencyKeys.KEY,
                "CATALOG_IDEMPOTENCY_TABLE_NAME", create))
            .compose(v -> create ? expire(names.idempotencyTableName(), DynamoDbIdempotencyKeys.EXPIRES_AT)
                .compose(w -> expire(names.tableName(), ProductItems.EXPIRES_AT)) : Future.succeededFuture())
            : Future.<Void>succeededFuture())
        .compose(v -> bucket(create))
        .map(v -> new CatalogResources(urls[0], urls[1], names.tableName(), names.bucketName(),
            names.idempotencyTableName())));
  }

  /**
   * Lets DynamoDB delete a table's expired items: idempotency records, and tombstones of deleted products once no
   * older write of theirs can arrive (the service ignores both before that anyway).
   */
  private Future<Void> expire(String table, String attribute) {
    return AwsFutures.bridge(clients.dynamoDb().describeTimeToLive(b -> b.tableName(table)))
        .compose(ttl -> ttl.timeToLiveDescription().timeToLiveStatus() == TimeToLiveStatus.ENABLED
            || ttl.timeToLiveDescription().timeToLiveStatus() == TimeToLiveStatus.ENABLING
            ? Future.succeededFuture()
            : AwsFutures.bridge(clients.dynamoDb().updateTimeToLive(b -> b.tableName(table)
                .timeToLiveSpecification(t -> t.attributeName(attribute).enabled(true)))).mapEmpty());
  }

  /** Returns the queue URL and the dead-letter queue URL. */
  private Future<String[]> queues(boolean create) {
    if (!create) {
      return existingQueueUrl(names.dlqName(), "CATALOG_DLQ_NAME")
          .compose(dlqUrl -> existingQueueUrl(names.queueName(), "CATALOG_QUEUE_NAME")
          .map(queueUrl -> new String[] {queueUrl, dlqUrl}));
    }
    return ensureQueue(names.dlqName(), Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, DLQ_RETENTION_SECONDS))
        .compose(dlqUrl -> dlqArn(dlqUrl)
            .compose(arn -> ensureQueue(names.queueName(), mainQueueAttributes(arn)))
            .map(queueUrl -> new String[] {queueUrl, dlqUrl}));
  }

  private Map<QueueAttributeName, String> mainQueueAttributes(String dlqArn) {
    String redrive = new JsonObject()
        .put("deadLetterTargetArn", dlqArn)
        .put("maxReceiveCount", Integer.toString(names.maxReceiveCount()))
        .encode();
    return Map.of(
        QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(names.visibilityTimeoutSeconds()),
        QueueAttributeName.REDRIVE_POLICY, redrive);
  }

  /** Creates the queue, or brings an existing one's attributes in line with the configuration. */
  private Future<String> ensureQueue(String name, Map<QueueAttributeName, String> attributes) {
    return queueUrl(name)
        .compose(url -> AwsFutures.bridge(clients.sqs().setQueueAttributes(b -> b.queueUrl(url).attributes(attributes)))
            .map(url))
        .recover(error -> {
          if (!(Dependencies.unwrap(error) instanceof QueueDoesNotExistException)) {
            return Future.failedFuture(error);
          }
          LOG.info("creating queue {}", name);
          return AwsFutures.bridge(clients.sqs().createQueue(b -> b.queueName(name).attributes(attributes)))
              .map(response -> response.queueUrl());
        });
  }

  private Future<String> queueUrl(String name) {
    return AwsFutures.bridge(clients.sqs().getQueueUrl(b -> b.queueName(name))).map(r -> r.queueUrl());
  }

  /** Like {@link #queueUrl}, but a missing queue is a start-up failure that says what to do. */
  private Future<String> existingQueueUrl(String name, String key) {
    return queueUrl(name).recover(error -> Dependencies.unwrap(error) instanceof QueueDoesNotExistException
        ? Future.failedFuture(new StartupException("SQS queue " + name + " does not exist (" + key
            + "); create it or set CATALOG_PROVISION=true"))
        : Future.failedFuture(error));
  }

  private Future<String> dlqArn(String dlqUrl) {
    return AwsFutures.bridge(clients.sqs().getQueueAttributes(b -> b.queueUrl(dlqUrl)
            .attributeNames(QueueAttributeName.QUEUE_ARN)))
        .map(r -> r.attributes().get(QueueAttributeName.QUEUE_ARN));
  }

  private Future<Void> table(String table, String keyName, String configKey, boolean create) {
    return tableStatus(table).compose(status -> {
      if (status != null) {
        return status == TableStatus.ACTIVE ? Future.succeededFuture() : awaitActive(table, 0);
      }
      if (!create) {
        return Future.failedFuture(new StartupException("DynamoDB table " + table + " does not exist (" + configKey
            + "); create it or set CATALOG_PROVISION=true"));
      }
      LOG.info("creating table {}", table);
      return AwsFutures.bridge(clients.dynamoDb().createTable(b -> b.tableName(table)
              .billingMode(BillingMode.PAY_PER_REQUEST)
              .attributeDefinitions(AttributeDefinition.builder().attributeName(keyName)
                  .attributeType(ScalarAttributeType.S).build())
              .keySchema(KeySchemaElement.builder().attributeName(keyName).keyType(KeyType.HASH).build())))
          .recover(error -> Dependencies.unwrap(error) instanceof ResourceInUseException
              ? Future.succeededFuture() : Future.failedFuture(error))
          .compose(v -> awaitActive(table, 0));
    });
  }

  /** The table's status, or null when it does not exist. */
  private Future<TableStatus> tableStatus(String table) {
    return AwsFutures.bridge(clients.dynamoDb().describeTable(b -> b.tableName(table)))
        .map(r -> r.table().tableStatus())
        .recover(error -> Dependencies.unwrap(error) instanceof ResourceNotFoundException
            ? Future.succeededFuture(null) : Future.failedFuture(error));
  }

  private Future<Void> awaitActive(String table, int polls) {
    return tableStatus(table).compose(status -> {
      if (status == TableStatus.ACTIVE) {
        return Future.succeededFuture();
      }
      if (polls >= TABLE_POLLS) {
        return Future.failedFuture("table " + table + " did not become ACTIVE (status " + status + ")");
      }
      return vertx.timer(TABLE_POLL_MS).compose(v -> awaitActive(table, polls + 1));
    });
  }

  private Future<Void> bucket(boolean create) {
    return AwsFutures.bridge(clients.s3().headBucket(b -> b.bucket(names.bucketName())))
        .<Void>mapEmpty()
        .recover(error -> {
          if (!isMissingBucket(Dependencies.unwrap(error))) {
            return Future.failedFuture(error);
          }
          if (!create) {
            return Future.failedFuture(new StartupException("S3 bucket " + names.bucketName()
                + " does not exist (CATALOG_BUCKET_NAME); create it or set CATALOG_PROVISION=true"));
          }
          LOG.info("creating bucket {}", names.bucketName());
          return AwsFutures.bridge(clients.s3().createBucket(b -> {
            b.bucket(names.bucketName());
            if (!Region.US_EAST_1.equals(region)) { // us-east-1 refuses an explicit location constraint
              b.createBucketConfiguration(c -> c.locationConstraint(BucketLocationConstraint.fromValue(region.id())));
            }
          })).mapEmpty();
        });
  }

  private static boolean isMissingBucket(Throwable error) {
    return error instanceof NoSuchBucketException || (error instanceof S3Exception s3 && s3.statusCode() == 404);
  }
}

package io.asynccatalog.aws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.asynccatalog.aws.VertxSdkHttpClient.Exchange;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.endpoints.SqsEndpointParams;
import software.amazon.awssdk.services.sqs.endpoints.SqsEndpointProvider;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;
import software.amazon.awssdk.utils.BinaryUtils;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * SQS's {@code SendMessageBatch} and {@code DeleteMessageBatch} as requests we write ourselves
 * ({@link SignedRequests}): the AWS JSON 1.0 bodies and headers the SDK's client sends for the same entries, signed
 * the same way, answers read into the SDK's model. As the SDK's client does, a sent message's MD5 of body and
 * attributes is checked against what SQS says it received.
 */
public final class SignedQueueCalls implements QueueCalls {
  private static final JsonFactory JSON = new JsonFactory();
  private static final SignedRequests.Answers ANSWERS = SignedQueueCalls::error;

  private final SignedRequests requests;
  private final URI endpoint;
  private final Duration callTimeout;

  SignedQueueCalls(SignedRequests requests, URI endpoint, Duration callTimeout) {
    this.requests = requests;
    this.endpoint = endpoint;
    this.callTimeout = callTimeout;
  }

  /** The endpoint and signing scope the SQS client resolves; empty where it wants another signature than SigV4. */
  static Optional<SignedEndpoint> resolve(SqsEndpointProvider endpoints, Region region,
                                          Optional<URI> endpointOverride) {
    return SignedEndpoint.of(endpoints.resolveEndpoint(SqsEndpointParams.builder()
        .region(region)
        .useFips(SignedEndpoint.fips())
        .useDualStack(SignedEndpoint.dualStack())
        .endpoint(endpointOverride.map(URI::toString).orElse(null))
        .build()), region, "sqs", false);
  }

  @Override
  public Future<SendMessageBatchResponse> send(String queueUrl, List<SendMessageBatchRequestEntry> entries,
                                               Duration timeout) {
    Buffer body = sendBody(queueUrl, entries);
    return call("SendMessageBatch", body, timeout, answer -> {
      SendMessageBatchResponse response = sendResponse(answer);
      checkMd5(entries, response);
      return response;
    });
  }

  @Override
  public Future<DeleteMessageBatchResponse> delete(String queueUrl, List<DeleteMessageBatchRequestEntry> entries,
                                                   Duration timeout) {
    return call("DeleteMessageBatch", deleteBody(queueUrl, entries), timeout, SignedQueueCalls::deleteResponse);
  }

  private <T> Future<T> call(String operation, Buffer body, Duration timeout, Function<JsonObject, T> read) {
    return requests.send(request(operation, body.length()), body, timeout == null ? callTimeout : timeout, ANSWERS)
        .compose(answer -> {
          try {
            return Future.succeededFuture(read.apply(new JsonObject(answer.body())));
          } catch (SdkClientException mismatch) {
            return Future.failedFuture(mismatch);
          } catch (RuntimeException unreadable) { // as the SDK's client fails an answer it cannot unmarshal
            return Future.failedFuture(SdkClientException.builder().message("Unable to unmarshall response ("
                + unreadable.getMessage() + ")").cause(unreadable).build());
          }
        });
  }

  SdkHttpRequest request(String operation, int length) {
    return SignedRequests.jsonPost(endpoint, "AmazonSQS." + operation, length)
        .putHeader("x-amzn-query-mode", "true") // SQS's JSON protocol answers with the query protocol's error codes
        .build();
  }

  /** The body the SDK's JSON marshaller writes for these entries (members in the model's order). */
  static Buffer sendBody(String queueUrl, List<SendMessageBatchRequestEntry> entries) {
    return write(json -> {
      json.writeStringField("QueueUrl", queueUrl);
      json.writeArrayFieldStart("Entries");
      for (SendMessageBatchRequestEntry entry : entries) {
        json.writeStartObject();
        json.writeStringField("Id", entry.id());
        json.writeStringField("MessageBody", entry.messageBody());
        if (entry.delaySeconds() != null) {
          json.writeNumberField("DelaySeconds", entry.delaySeconds());
        }
        if (entry.hasMessageAttributes()) {
          json.writeObjectFieldStart("MessageAttributes");
          for (Map.Entry<String, MessageAttributeValue> attribute : entry.messageAttributes().entrySet()) {
            MessageAttributeValue value = attribute.getValue();
            if (value.binaryValue() != null || value.hasStringListValues() || value.hasBinaryListValues()) {
              throw new IllegalArgumentException("only string attributes are sent directly: " + attribute.getKey());
            }
            json.writeObjectFieldStart(attribute.getKey());
            if (value.stringValue() != null) {
              json.writeStringField("StringValue", value.stringValue());
            }
            json.writeStringField("DataType", value.dataType());
            json.writeEndObject();
          }
          json.writeEndObject();
        }
        if (entry.messageGroupId() != null || entry.messageDeduplicationId() != null
            || entry.hasMessageSystemAttributes()) {
          throw new IllegalArgumentException("FIFO and system attributes are not sent directly");
        }
        json.writeEndObject();
      }
      json.writeEndArray();
    });
  }

  static Buffer deleteBody(String queueUrl, List<DeleteMessageBatchRequestEntry> entries) {
    return write(json -> {
      json.writeStringField("QueueUrl", queueUrl);
      json.writeArrayFieldStart("Entries");
      for (DeleteMessageBatchRequestEntry entry : entries) {
        json.writeStartObject();
        json.writeStringField("Id", entry.id());
        json.writeStringField("ReceiptHandle", entry.receiptHandle());
        json.writeEndObject();
      }
      json.writeEndArray();
    });
  }

  private interface Fields {
    void write(JsonGenerator json) throws IOException;
  }

  private static Buffer write(Fields fields) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (JsonGenerator json = JSON.createGenerator(bytes)) {
      json.writeStartObject();
      fields.write(json);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory
    }
    return Buffer.buffer(bytes.toByteArray());
  }

  static SendMessageBatchResponse sendResponse(JsonObject json) {
    List<SendMessageBatchResultEntry> successful = new ArrayList<>();
    for (Object element : json.getJsonArray("Successful", new JsonArray())) {
      JsonObject entry = (JsonObject) element;
      successful.add(SendMessageBatchResultEntry.builder()
          .id(entry.getString("Id"))
          .messageId(entry.getString("MessageId"))
          .md5OfMessageBody(entry.getString("MD5OfMessageBody"))
          .md5OfMessageAttributes(entry.getString("MD5OfMessageAttributes"))
          .md5OfMessageSystemAttributes(entry.getString("MD5OfMessageSystemAttributes"))
          .sequenceNumber(entry.getString("SequenceNumber"))
          .build());
    }
    return SendMessageBatchResponse.builder().successful(successful).failed(failed(json)).build();
  }

  static DeleteMessageBatchResponse deleteResponse(JsonObject json) {
    List<DeleteMessageBatchResultEntry> successful = new ArrayList<>();
    for (Object element : json.getJsonArray("Successful", new JsonArray())) {
      successful.add(DeleteMessageBatchResultEntry.builder().id(((JsonObject) element).getString("Id")).build());
    }
    return DeleteMessageBatchResponse.builder().successful(successful).failed(failed(json)).build();
  }

  private static List<BatchResultErrorEntry> failed(JsonObject json) {
    List<BatchResultErrorEntry> failed = new ArrayList<>();
    for (Object element : json.getJsonArray("Failed", new JsonArray())) {
      JsonObject entry = (JsonObject) element;
      failed.add(BatchResultErrorEntry.builder()
          .id(entry.getString("Id"))
          .senderFault(entry.getBoolean("SenderFault"))
          .code(entry.getString("Code"))
          .message(entry.getString("Message"))
          .build());
    }
    return failed;
  }

  /**
   * As the SDK's client checks a sent batch: each accepted entry's MD5 of body (and of attributes, when it has any)
   * must be what SQS received, else the call fails (no retry: the messages were sent).
   */
  static void checkMd5(List<SendMessageBatchRequestEntry> entries, SendMessageBatchResponse response) {
    Map<String, SendMessageBatchRequestEntry> byId = new HashMap<>();
    entries.forEach(entry -> byId.put(entry.id(), entry));
    for (SendMessageBatchResultEntry sent : response.successful()) {
      SendMessageBatchRequestEntry entry = byId.get(sent.id());
      if (entry == null) {
        continue;
      }
      String body = md5Hex(entry.messageBody().getBytes(StandardCharsets.UTF_8));
      if (!body.equals(sent.md5OfMessageBody())) {
        throw SdkClientException.create("MD5 returned by SQS does not match the calculation on the original "
            + "request (message body of entry " + sent.id() + ": " + sent.md5OfMessageBody() + " != " + body + ")");
      }
      if (entry.hasMessageAttributes() && !entry.messageAttributes().isEmpty()) {
        String attributes = attributesMd5(entry.messageAttributes());
        if (!attributes.equals(sent.md5OfMessageAttributes())) {
          throw SdkClientException.create("MD5 returned by SQS does not match the calculation on the original "
              + "request (attributes of entry " + sent.id() + ")");
        }
      }
    }
  }

  /** SQS's MD5 of message attributes: by name, each name, type, transport byte and value length-prefixed. */
  static String attributesMd5(Map<String, MessageAttributeValue> attributes) {
    MessageDigest md5 = md5();
    for (Map.Entry<String, MessageAttributeValue> attribute : new TreeMap<>(attributes).entrySet()) {
      MessageAttributeValue value = attribute.getValue();
      lengthPrefixed(md5, attribute.getKey().getBytes(StandardCharsets.UTF_8));
      lengthPrefixed(md5, value.dataType().getBytes(StandardCharsets.UTF_8));
      md5.update((byte) 1); // a string value
      lengthPrefixed(md5, value.stringValue().getBytes(StandardCharsets.UTF_8));
    }
    return BinaryUtils.toHex(md5.digest());
  }

  private static void lengthPrefixed(MessageDigest md5, byte[] bytes) {
    md5.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    md5.update(bytes);
  }

  static String md5Hex(byte[] bytes) {
    return BinaryUtils.toHex(md5().digest(bytes));
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }

  /** SQS's JSON error answer (query-compatible: its code from x-amzn-query-error) as the SQS client throws it. */
  static AwsServiceException error(Exchange answer) {
    AwsJsonErrors.Parsed parsed = AwsJsonErrors.parse(answer, "x-amzn-query-error");
    AwsServiceException.Builder error = "AWS.SimpleQueueService.NonExistentQueue".equals(parsed.code())
        || "QueueDoesNotExist".equals(parsed.code()) ? QueueDoesNotExistException.builder() : SqsException.builder();
    return AwsJsonErrors.build(error, parsed, answer, "Sqs");
  }
}

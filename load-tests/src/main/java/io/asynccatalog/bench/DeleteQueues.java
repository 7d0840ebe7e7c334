package io.asynccatalog.bench;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.net.URI;

/**
 * Deletes queues of the local SQS server by name. The ingest-only runs leave a few hundred thousand messages queued,
 * and with them held the local SQS server took the same calls 20–37 % slower in a trial, so the benchmark deletes them
 * before it measures anything else against the same server. Usage: DeleteQueues sqsUrl name...
 */
public final class DeleteQueues {
  private DeleteQueues() {}

  public static void main(String[] args) {
    for (String line : delete(args[0], java.util.Arrays.asList(args).subList(1, args.length))) {
      System.out.println(line);
    }
  }

  /** Deletes the named queues; one line per queue: "deleted queue NAME" or "no queue NAME". */
  static java.util.List<String> delete(String sqsUrl, java.util.List<String> names) {
    java.util.List<String> done = new java.util.ArrayList<>();
    try (SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(sqsUrl)).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("b", "b"))).build()) {
      for (String name : names) {
        try {
          String url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
          sqs.deleteQueue(b -> b.queueUrl(url));
          done.add("deleted queue " + name);
        } catch (QueueDoesNotExistException e) {
          done.add("no queue " + name);
        }
      }
    }
    return done;
  }
}

package io.asynccatalog.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CloudFormation template, as far as a machine without an AWS account can check it: plain YAML, the resources
 * the service needs, and a task role with exactly the actions the service calls, never a wildcard.
 */
class DeployTemplateTest {
  /** Every AWS call the service makes in AWS mode (CATALOG_PROVISION=false), as IAM actions. */
  private static final Set<String> SERVICE_ACTIONS = Set.of(
      "sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem",
      "dynamodb:BatchWriteItem", "dynamodb:Scan",
      "s3:PutObject", "s3:GetObject", "s3:ListBucket");

  private final JsonNode template = read();

  private static JsonNode read() {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(new File("deploy/cloudformation.yaml"));
    } catch (Exception e) {
      throw new IllegalStateException("deploy/cloudformation.yaml is not plain YAML: " + e.getMessage(), e);
    }
  }

  @Test
  void declaresEverythingTheServiceNeeds() {
    JsonNode resources = template.get("Resources");
    for (String name : new String[] {"ProductQueue", "ProductDeadLetterQueue", "ProductTable", "IdempotencyKeyTable",
        "ReportBucket", "TaskRole", "TaskDefinition", "Service", "LoadBalancer", "TargetGroup", "BacklogScaling",
        "CpuScaling", "DeadLettersAlarm"}) {
      assertTrue(resources.has(name), name);
    }
    assertEquals(5, resources.at("/ProductQueue/Properties/RedrivePolicy/maxReceiveCount").asInt());
    assertEquals("PAY_PER_REQUEST", resources.at("/ProductTable/Properties/BillingMode").asText());
    assertEquals("expiresAt", resources.at("/IdempotencyKeyTable/Properties/TimeToLiveSpecification/AttributeName")
        .asText());
    assertTrue(resources.at("/ReportBucket/Properties/PublicAccessBlockConfiguration/RestrictPublicBuckets").asBoolean());
    assertEquals("AES256", resources.at("/ReportBucket/Properties/BucketEncryption/ServerSideEncryptionConfiguration/0"
        + "/ServerSideEncryptionByDefault/SSEAlgorithm").asText());
    assertEquals("/health/ready", resources.at("/TargetGroup/Properties/HealthCheckPath").asText());
  }

  @Test
  void theTasksRunOnEitherCpuArchitectureX86ByDefault() {
    JsonNode parameter = template.at("/Parameters/CpuArchitecture");
    assertEquals("X86_64", parameter.get("Default").asText());
    assertEquals(Set.of("X86_64", "ARM64"), toStrings(parameter.get("AllowedValues")));
    assertEquals("CpuArchitecture",
        template.at("/Resources/TaskDefinition/Properties/RuntimePlatform/CpuArchitecture/Ref").asText());
  }

  private static Set<String> toStrings(JsonNode array) {
    Set<String> values = new TreeSet<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  @Test
  void theTaskRoleGrantsExactlyTheServiceCallsOnItsOwnResources() {
    Set<String> granted = new TreeSet<>();
    for (JsonNode policy : template.at("/Resources/TaskRole/Properties/Policies")) {
      for (JsonNode statement : policy.at("/PolicyDocument/Statement")) {
        assertEquals("Allow", statement.get("Effect").asText());
        statement.get("Action").forEach(action -> granted.add(action.asText()));
        assertFalse(statement.get("Resource").toString().contains("\"*\""), "no wildcard resource: " + statement);
      }
    }
    assertFalse(granted.stream().anyMatch(a -> a.contains("*")), "no wildcard action: " + granted);
    assertEquals(new TreeSet<>(SERVICE_ACTIONS), granted);
  }
}

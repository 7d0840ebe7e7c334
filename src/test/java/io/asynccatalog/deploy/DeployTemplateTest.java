package io.asynccatalog.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;
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
  void theDashboardShowsTheQueueTheDeadLettersTheLoadBalancerAndTheTasks() throws Exception {
    String body = template.at("/Resources/Dashboard/Properties/DashboardBody/Fn::Sub").asText();
    JsonNode widgets = new ObjectMapper().readTree(body.replaceAll("\\$\\{[^}]+}", "x")).get("widgets");
    Set<String> shown = new java.util.HashSet<>();
    widgets.forEach(w -> w.at("/properties/metrics").forEach(m -> shown.add(m.get(0).asText() + " " + m.get(1).asText())));
    for (String metric : List.of("AWS/SQS ApproximateNumberOfMessagesVisible", "AWS/SQS ApproximateAgeOfOldestMessage",
        "AWS/ApplicationELB RequestCount", "AWS/ApplicationELB HTTPCode_Target_5XX_Count",
        "AWS/ApplicationELB TargetResponseTime", "AWS/ECS CPUUtilization", "AWS/ECS MemoryUtilization",
        "ECS/ContainerInsights RunningTaskCount")) {
      assertTrue(shown.contains(metric), metric + " is on the dashboard: " + shown);
    }
    assertTrue(body.contains("${ProductDeadLetterQueue.QueueName}"), "the dead-letter queue's depth too");
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

  /**
   * The template as CloudFormation sees it with {@code Store} set: every {@code Fn::If} on the store's conditions
   * resolved, {@code AWS::NoValue} dropped, and resources whose condition is false left out.
   */
  private JsonNode withStore(String store) {
    boolean postgres = store.equals("postgres");
    JsonNode resolved = resolve(template.deepCopy(), postgres);
    com.fasterxml.jackson.databind.node.ObjectNode resources =
        (com.fasterxml.jackson.databind.node.ObjectNode) resolved.get("Resources");
    java.util.List<String> absent = new java.util.ArrayList<>();
    resources.fields().forEachRemaining(e -> {
      String condition = e.getValue().path("Condition").asText("");
      if (condition.equals("UsePostgres") && !postgres || condition.equals("UseDynamoDb") && postgres) {
        absent.add(e.getKey());
      }
    });
    absent.forEach(resources::remove);
    return resolved;
  }

  private static JsonNode resolve(JsonNode node, boolean postgres) {
    if (node.isObject() && node.has("Fn::If") && node.get("Fn::If").get(0).isTextual()
        && node.get("Fn::If").get(0).asText().matches("UsePostgres|UseDynamoDb")) {
      boolean holds = node.get("Fn::If").get(0).asText().equals("UsePostgres") == postgres;
      return resolve(node.get("Fn::If").get(holds ? 1 : 2), postgres);
    }
    if (node.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode object = (com.fasterxml.jackson.databind.node.ObjectNode) node;
      java.util.List<String> names = new java.util.ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      names.forEach(name -> object.set(name, resolve(object.get(name), postgres)));
    } else if (node.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode array = (com.fasterxml.jackson.databind.node.ArrayNode) node;
      com.fasterxml.jackson.databind.node.ArrayNode kept = array.arrayNode();
      array.forEach(element -> {
        JsonNode value = resolve(element, postgres);
        if (!"AWS::NoValue".equals(value.path("Ref").asText())) {
          kept.add(value);
        }
      });
      return kept;
    }
    return node;
  }

  private static Set<String> grantedActions(JsonNode template) {
    Set<String> granted = new TreeSet<>();
    for (JsonNode policy : template.at("/Resources/TaskRole/Properties/Policies")) {
      for (JsonNode statement : policy.at("/PolicyDocument/Statement")) {
        assertEquals("Allow", statement.get("Effect").asText());
        statement.get("Action").forEach(action -> granted.add(action.asText()));
        assertFalse(statement.get("Resource").toString().contains("\"*\""), "no wildcard resource: " + statement);
      }
    }
    assertFalse(granted.stream().anyMatch(a -> a.contains("*")), "no wildcard action: " + granted);
    return granted;
  }

  @Test
  void withPostgresTheProductsAreInAPrivateEncryptedTlsOnlyDatabaseAndNoDynamoDbIsGranted() {
    JsonNode postgres = withStore("postgres");
    JsonNode resources = postgres.get("Resources");
    assertFalse(resources.has("ProductTable") || resources.has("IdempotencyKeyTable"), "no DynamoDB table");
    Set<String> expected = new TreeSet<>(SERVICE_ACTIONS);
    expected.removeIf(action -> action.startsWith("dynamodb:"));
    assertEquals(expected, grantedActions(postgres), "no DynamoDB permission for products in that mode");
    JsonNode db = resources.at("/Database/Properties");
    assertTrue(db.get("StorageEncrypted").asBoolean());
    assertFalse(db.get("PubliclyAccessible").asBoolean());
    assertTrue(db.get("ManageMasterUserPassword").asBoolean(), "the password is generated into Secrets Manager");
    assertEquals("postgres", db.get("Engine").asText());
    assertEquals("1", resources.at("/DatabaseParameters/Properties/Parameters/rds.force_ssl").asText(), "TLS required");
    assertEquals("PrivateSubnetIds", resources.at("/DatabaseSubnetGroup/Properties/SubnetIds/Ref").asText());
    JsonNode ingress = resources.at("/DatabaseSecurityGroup/Properties/SecurityGroupIngress");
    assertEquals(1, ingress.size());
    assertEquals("ServiceSecurityGroup", ingress.at("/0/SourceSecurityGroupId/Ref").asText(), "from the tasks only");
    JsonNode container = resources.at("/TaskDefinition/Properties/ContainerDefinitions/0");
    java.util.Map<String, String> env = new java.util.HashMap<>();
    container.get("Environment").forEach(e -> env.put(e.get("Name").asText(), e.get("Value").toString()));
    assertEquals("\"verify-full\"", env.get("PGSSLMODE"));
    assertTrue(env.containsKey("PGHOST") && env.containsKey("PGSSLROOTCERT") && !env.containsKey("PGPASSWORD"), env.toString());
    assertTrue(container.get("Secrets").toString().contains("\"PGPASSWORD\""), "the password comes as an ECS secret");
    assertTrue(resources.at("/ExecutionRole/Properties/Policies/0/PolicyDocument/Statement").toString()
        .contains("MasterUserSecret.SecretArn"), "the execution role reads that secret, and no other new one");

    JsonNode dynamoDb = withStore("dynamodb").get("Resources");
    assertFalse(dynamoDb.has("Database") || dynamoDb.has("DatabaseSecurityGroup"), "no database with DynamoDB");
    assertEquals("dynamodb", template.at("/Parameters/Store/Default").asText());
  }

  @Test
  void theTaskRoleGrantsExactlyTheServiceCallsOnItsOwnResources() {
    assertEquals(new TreeSet<>(SERVICE_ACTIONS), grantedActions(withStore("dynamodb")));
  }

}

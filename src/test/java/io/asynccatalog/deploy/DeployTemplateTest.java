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
      "dynamodb:BatchWriteItem", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:Scan",
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
    // liveness: readiness is 503 while a shared dependency is down, and ECS would replace every task in the outage
    assertEquals("/health/live", resources.at("/TargetGroup/Properties/HealthCheckPath").asText());
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

  /** The template as CloudFormation sees it with {@code Store} set (and no certificate). */
  private JsonNode withStore(String store) {
    boolean postgres = store.equals("postgres");
    return resolved(java.util.Map.of("UsePostgres", postgres, "UseDynamoDb", !postgres, "HasCertificate", false));
  }

  /**
   * The template as CloudFormation sees it with these conditions: every {@code Fn::If} on them resolved,
   * {@code AWS::NoValue} dropped, and resources whose condition is false left out.
   */
  private JsonNode resolved(java.util.Map<String, Boolean> conditions) {
    JsonNode resolved = resolve(template.deepCopy(), conditions);
    com.fasterxml.jackson.databind.node.ObjectNode resources =
        (com.fasterxml.jackson.databind.node.ObjectNode) resolved.get("Resources");
    java.util.List<String> absent = new java.util.ArrayList<>();
    resources.fields().forEachRemaining(e -> {
      String condition = e.getValue().path("Condition").asText("");
      if (conditions.containsKey(condition) && !conditions.get(condition)) {
        absent.add(e.getKey());
      }
    });
    absent.forEach(resources::remove);
    return resolved;
  }

  private static JsonNode resolve(JsonNode node, java.util.Map<String, Boolean> conditions) {
    if (node.isObject() && node.has("Fn::If") && node.get("Fn::If").get(0).isTextual()
        && conditions.containsKey(node.get("Fn::If").get(0).asText())) {
      boolean holds = conditions.get(node.get("Fn::If").get(0).asText());
      return resolve(node.get("Fn::If").get(holds ? 1 : 2), conditions);
    }
    if (node.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode object = (com.fasterxml.jackson.databind.node.ObjectNode) node;
      java.util.List<String> names = new java.util.ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      names.forEach(name -> object.set(name, resolve(object.get(name), conditions)));
    } else if (node.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode array = (com.fasterxml.jackson.databind.node.ArrayNode) node;
      com.fasterxml.jackson.databind.node.ArrayNode kept = array.arrayNode();
      array.forEach(element -> {
        JsonNode value = resolve(element, conditions);
        if (!"AWS::NoValue".equals(value.path("Ref").asText())) {
          kept.add(value);
        }
      });
      return kept;
    }
    return node;
  }

  /** API keys cross the internet: with a certificate they go over TLS only, and plain HTTP is only a redirect. */
  @Test
  void withACertificateTheLoadBalancerServesHttpsAndRedirectsHttp() {
    assertEquals("", template.at("/Parameters/CertificateArn/Default").asText());
    JsonNode https = resolved(java.util.Map.of("UsePostgres", false, "UseDynamoDb", true, "HasCertificate", true))
        .get("Resources");
    JsonNode tls = https.at("/HttpsListener/Properties");
    assertEquals("HTTPS", tls.get("Protocol").asText());
    assertEquals(443, tls.get("Port").asInt());
    assertEquals("CertificateArn", tls.at("/Certificates/0/CertificateArn/Ref").asText());
    assertTrue(tls.get("SslPolicy").asText().startsWith("ELBSecurityPolicy-TLS13"), "TLS 1.3 and 1.2 only");
    assertEquals("TargetGroup", tls.at("/DefaultActions/0/TargetGroupArn/Ref").asText());
    JsonNode plain = https.at("/Listener/Properties/DefaultActions/0");
    assertEquals("redirect", plain.get("Type").asText(), "port 80 forwards nothing to the tasks: " + plain);
    assertEquals("HTTPS", plain.at("/RedirectConfig/Protocol").asText());
    assertEquals("HTTP_301", plain.at("/RedirectConfig/StatusCode").asText());
    assertTrue(https.at("/LoadBalancerSecurityGroup/Properties/SecurityGroupIngress").toString().contains("443"));
    assertEquals("HttpsListener", https.at("/Service/Properties/Tags/0/Value/Ref").asText(),
        "the service waits for the listener that forwards to its target group");

    JsonNode test = withStore("dynamodb").get("Resources");
    assertFalse(test.has("HttpsListener"), "without a certificate: a plain HTTP test stack");
    assertEquals("forward", test.at("/Listener/Properties/DefaultActions/0/Type").asText());
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

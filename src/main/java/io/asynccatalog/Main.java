package io.asynccatalog;

import io.asynccatalog.aws.EmbeddedAws;
import io.asynccatalog.config.CatalogConfig;
import io.asynccatalog.config.ConfigLoader;
import io.asynccatalog.store.postgres.LocalPostgres;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Entry point. {@code java -jar async-catalog.jar} runs the service; {@code ... emulators} runs only the local
 * AWS-compatible servers, in the foreground, for a service in AWS mode to use.
 */
public final class Main {
  /** Ports the {@code emulators} command uses when the port keys are 0: the usual ones of these emulators. */
  static final int EMULATOR_SQS_PORT = 9324;
  static final int EMULATOR_DYNAMODB_PORT = 8000;
  static final int EMULATOR_S3_PORT = 9000;
  static final int EMULATOR_POSTGRES_PORT = 5432;

  static {
    // before the first logger exists: CATALOG_LOG_FORMAT=json selects the structured configuration
    if ("json".equalsIgnoreCase(System.getenv("CATALOG_LOG_FORMAT"))
        && System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    String command = args.length == 0 ? "serve" : args[0];
    try {
      switch (command) {
        case "serve" -> serve(loadConfig());
        case "emulators" -> emulators(loadConfig(), services(args), wantsPostgres(args));
        default -> {
          System.err.println("usage: java -jar async-catalog.jar [serve|emulators]");
          System.exit(2);
        }
      }
    } catch (StartupException e) {
      LOG.error("start-up failed: {}", e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      LOG.error("start-up failed: {}", reason(e), e);
      System.exit(1);
    }
  }

  private static CatalogConfig loadConfig() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      return ConfigLoader.load(vertx).await(30, TimeUnit.SECONDS);
    } finally {
      vertx.close();
    }
  }

  private static void serve(CatalogConfig config) throws Exception {
    CatalogApp app = CatalogApp.start(config, null);
    stopOnSignal(app::close);
  }

  /**
   * {@code emulators} alone runs the three AWS-compatible servers; {@code emulators sqs s3} runs the ones named;
   * {@code postgres} among them runs the local PostgreSQL too.
   */
  private static Set<EmbeddedAws.Service> services(String[] args) {
    if (args.length <= 1) {
      return EnumSet.allOf(EmbeddedAws.Service.class);
    }
    Set<EmbeddedAws.Service> services = EnumSet.noneOf(EmbeddedAws.Service.class);
    for (int i = 1; i < args.length; i++) {
      if (args[i].equalsIgnoreCase("postgres")) {
        continue;
      }
      try {
        services.add(EmbeddedAws.Service.valueOf(args[i].toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new StartupException("unknown service '" + args[i] + "': choose from sqs, dynamodb, s3, postgres");
      }
    }
    return services;
  }

  private static boolean wantsPostgres(String[] args) {
    for (int i = 1; i < args.length; i++) {
      if (args[i].equalsIgnoreCase("postgres")) {
        return true;
      }
    }
    return false;
  }

  private static void emulators(CatalogConfig config, Set<EmbeddedAws.Service> services, boolean postgres)
      throws Exception {
    EmbeddedAws.Factory factory = EmbeddedAws.factory().orElseThrow(() -> new StartupException(
        "this build has no local AWS servers; use the full jar"));
    CatalogConfig.LocalPorts ports = config.localPorts();
    EmbeddedAws servers = factory.start(config.dataDir(), or(ports.sqs(), EMULATOR_SQS_PORT),
        or(ports.dynamoDb(), EMULATOR_DYNAMODB_PORT), or(ports.s3(), EMULATOR_S3_PORT), services);
    LocalPostgres database = postgres ? LocalPostgres.factory().orElseThrow().start(config.dataDir(),
        or(config.store().localPostgresPort(), EMULATOR_POSTGRES_PORT)) : null;
    CountDownLatch stopped = new CountDownLatch(1);
    stopOnSignal(() -> {
      servers.close();
      if (database != null) {
        database.close();
      }
      stopped.countDown();
    });
    System.out.println("Local AWS-compatible servers are running. Point a service in AWS mode at them with:");
    System.out.println("  export CATALOG_MODE=aws CATALOG_PROVISION=true CATALOG_AUTH=off AWS_REGION=us-east-1"
        + " AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local");
    StringBuilder endpoints = new StringBuilder("  export");
    if (servers.sqsEndpoint() != null) {
      endpoints.append(" AWS_ENDPOINT_URL_SQS=").append(servers.sqsEndpoint());
    }
    if (servers.dynamoDbEndpoint() != null) {
      endpoints.append(" AWS_ENDPOINT_URL_DYNAMODB=").append(servers.dynamoDbEndpoint());
    }
    if (servers.s3Endpoint() != null) {
      endpoints.append(" AWS_ENDPOINT_URL_S3=").append(servers.s3Endpoint());
    }
    System.out.println(endpoints);
    if (database != null) {
      System.out.println("  export CATALOG_STORE=postgres CATALOG_POSTGRES_URL=postgresql://postgres@127.0.0.1:"
          + database.port() + "/" + LocalPostgres.DATABASE + "?sslmode=disable");
    }
    System.out.println("Stop with Ctrl+C.");
    System.out.flush();
    stopped.await();
  }

  private static int or(int configured, int fallback) {
    return configured == 0 ? fallback : configured;
  }

  /**
   * SIGTERM and SIGINT stop the service in order and then exit 0: a requested stop is a clean stop. The shutdown
   * hook covers other exits (System.exit elsewhere, or a JVM that cannot install signal handlers).
   */
  private static void stopOnSignal(Runnable stop) {
    Thread hook = new Thread(stop, "catalog-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    for (String signal : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(signal), s -> new Thread(() -> {
          LOG.info("SIG{} received, stopping", signal);
          stop.run();
          System.exit(0);
        }, "catalog-stop").start());
      } catch (IllegalArgumentException e) {
        LOG.debug("cannot handle SIG{} here; the shutdown hook will stop the service", signal);
      }
    }
  }

  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return root == e ? message : e.getMessage() + " (cause: " + message + ")";
  }
}

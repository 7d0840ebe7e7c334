package io.asynccatalog.local;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.elasticmq.server.ElasticMQServer;
import org.elasticmq.server.config.ElasticMQServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.pekko.actor.ActorSystem;
import scala.Function0;
import scala.concurrent.Await;
import scala.concurrent.duration.Duration;

import java.lang.reflect.Method;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An SQS-compatible server (ElasticMQ) on loopback. Queues, messages and in-flight state are kept in an H2 file
 * under the data directory, so they survive a restart.
 */
final class LocalSqsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalSqsServer.class);
  static final String ACCOUNT_ID = "000000000000";

  private static final long GRACEFUL_STOP_MS = 1500;

  private final ElasticMQServer server;
  private final Function0<?> shutdown;
  private final int port;

  private LocalSqsServer(ElasticMQServer server, Function0<?> shutdown, int port) {
    this.server = server;
    this.shutdown = shutdown;
    this.port = port;
  }

  static LocalSqsServer start(Path dir, String host, int port, String region) throws Exception {
    quietPekko();
    Files.createDirectories(dir);
    int bound = port == 0 ? FreePorts.pick(host) : port;
    Config config = ConfigFactory.parseMap(Map.ofEntries(
            Map.entry("rest-sqs.enabled", true),
            Map.entry("rest-sqs.bind-port", bound),
            Map.entry("rest-sqs.bind-hostname", host),
            Map.entry("rest-sqs.sqs-limits", "strict"),
            Map.entry("generate-node-address", false),
            Map.entry("node-address.protocol", "http"),
            Map.entry("node-address.host", host),
            Map.entry("node-address.port", bound),
            Map.entry("node-address.context-path", ""),
            Map.entry("messages-storage.enabled", true),
            Map.entry("messages-storage.driver-class", "org.h2.Driver"),
            // WRITE_DELAY=0: each commit reaches the file before SQS answers, so an acknowledged send survives a crash
            Map.entry("messages-storage.uri", "jdbc:h2:" + dir.toAbsolutePath().resolve("elasticmq")
                + ";WRITE_DELAY=0;RETENTION_TIME=" + H2Files.RETENTION_MS),
            Map.entry("messages-storage.username", ""),
            Map.entry("messages-storage.password", ""),
            Map.entry("messages-storage.prune-data-on-init", false),
            Map.entry("aws.region", region),
            Map.entry("aws.accountId", ACCOUNT_ID)))
        .withFallback(ConfigFactory.load());
    ElasticMQServer server = new ElasticMQServer(new ElasticMQServerConfig(config));
    return new LocalSqsServer(server, server.start(), bound);
  }

  /**
   * ElasticMQ's own configuration logs Pekko at DEBUG and installs a JVM shutdown hook of its own; ours decides
   * the stop order, so both are turned off before its actor system reads its configuration.
   */
  private static void quietPekko() {
    System.setProperty("pekko.loglevel", "WARNING");
    System.setProperty("pekko.stdout-loglevel", "WARNING");
    System.setProperty("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    System.setProperty("pekko.log-dead-letters", "off");
    ConfigFactory.invalidateCaches();
  }

  int port() {
    return port;
  }

  /**
   * Stops the server. ElasticMQ's own stop waits up to a minute for pending long polls to end; after a short grace
   * its actor system is terminated directly, which ends them at once. Acknowledged messages are already in H2.
   */
  @Override
  public void close() {
    Thread stopper = new Thread(shutdown::apply, "elasticmq-stop");
    stopper.setDaemon(true);
    stopper.start();
    try {
      stopper.join(GRACEFUL_STOP_MS);
      if (stopper.isAlive()) {
        LOG.debug("long polls still pending; terminating the SQS server's actor system");
        Await.ready(actorSystem().terminate(), Duration.create(5, TimeUnit.SECONDS));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("the SQS server did not stop cleanly: {}", e.toString());
    }
  }

  private ActorSystem actorSystem() throws ReflectiveOperationException {
    Method accessor = ElasticMQServer.class.getDeclaredMethod("actorSystem");
    accessor.setAccessible(true);
    return (ActorSystem) accessor.invoke(server);
  }
}

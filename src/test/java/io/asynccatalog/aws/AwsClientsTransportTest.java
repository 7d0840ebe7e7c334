package io.asynccatalog.aws;

import io.asynccatalog.testing.SharedLocalAws;
import io.asynccatalog.testing.TestConfigs;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where Netty's native epoll is available, the SDK's own event loops use it, and the SDK's calls run on them; the
 * jar carries it for both Linux architectures that AWS runs containers on.
 */
class AwsClientsTransportTest {

  @Test
  void nativeEpollShipsForX86AndArm() {
    for (String arch : new String[] {"x86_64", "aarch_64"}) {
      String library = "META-INF/native/libnetty_transport_native_epoll_" + arch + ".so";
      assertNotNull(getClass().getClassLoader().getResource(library), library + " is on the class path");
    }
  }

  /**
   * A long poll is silent for as long as it waits, longer than the call timeout the other calls have: on the Vert.x
   * transport it ends as SQS ends it (empty), not cut off as an idle connection and retried until its deadline.
   */
  @Test
  void aLongPollLongerThanTheCallTimeoutEndsAsSqsEndsIt(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    AwsClients clients = AwsClients.create(vertx, SharedLocalAws.environment(),
        TestConfigs.config(TestConfigs.isolated("longpoll", dir).put("CATALOG_AWS_CALL_TIMEOUT_MS", 1000)
            .put("CATALOG_AWS_HTTP_CLIENT", "vertx")).aws());
    try {
      String queue = "longpoll-" + ProcessHandle.current().pid();
      String url = clients.sqs().createQueue(b -> b.queueName(queue)).get(30, TimeUnit.SECONDS).queueUrl();
      var received = clients.sqs().receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(3)
              .overrideConfiguration(o -> o.apiCallTimeout(java.time.Duration.ofSeconds(4))))
          .get(30, TimeUnit.SECONDS);
      assertTrue(received.messages().isEmpty(), "an empty queue's long poll ends empty");
    } finally {
      clients.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @SuppressWarnings("deprecation") // EpollEventLoopGroup: the type the SDK recognises
  void sdkCallsRunOnNativeEpollEventLoops(@TempDir Path dir) throws Exception {
    assumeTrue(Epoll.isAvailable(), () -> "Netty's native epoll is not available here: " + Epoll.unavailabilityCause());
    Vertx vertx = Vertx.vertx();
    AwsClients clients = AwsClients.create(vertx, SharedLocalAws.environment(),
        TestConfigs.config(TestConfigs.isolated("transport", dir).put("CATALOG_AWS_HTTP_CLIENT", "netty")).aws());
    try {
      assertEquals("epoll", clients.transport());
      EventLoopGroup group = clients.sdkEventLoopGroup();
      assertInstanceOf(EpollEventLoopGroup.class, group);

      String queue = "transport-" + ProcessHandle.current().pid();
      clients.sqs().createQueue(b -> b.queueName(queue)).get(30, TimeUnit.SECONDS);
      // the SDK completes a call on the I/O thread that read its answer; a call that is done before the callback
      // is attached would run it here instead, so try again
      Thread test = Thread.currentThread();
      AtomicReference<EventExecutor> completedOn = new AtomicReference<>();
      for (int i = 0; i < 5 && completedOn.get() == null; i++) {
        clients.sqs().getQueueUrl(b -> b.queueName(queue)).thenRun(() -> {
          if (Thread.currentThread() != test) {
            completedOn.set(ThreadExecutorMap.currentExecutor());
          }
        }).get(30, TimeUnit.SECONDS);
      }
      assertNotNull(completedOn.get(), "no call completed on an event loop of the SDK");
      assertSame(group, completedOn.get().parent(), "the call completed on a loop of another group");
    } finally {
      clients.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}

package io.asynccatalog.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of a real server, for fault tests: it can hold every answer back for a while,
 * and it counts how often watched texts appear in what clients send (e.g. the writes of one product).
 */
public final class DelayProxy implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final Map<String, AtomicInteger> watched = new ConcurrentHashMap<>();
  private final int port;
  private final java.util.Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile long delayMs;
  private volatile boolean down;
  private volatile boolean blackHole;
  /** Connections whose bytes are dropped for good, as a dropped NAT mapping or a failed-over primary leaves them. */
  private final java.util.Set<NetSocket> holed = ConcurrentHashMap.newKeySet();

  public DelayProxy(int upstreamPort) throws Exception {
    NetClient client = vertx.createNetClient();
    NetServer server = vertx.createNetServer().connectHandler(inbound -> {
      if (down) {
        inbound.close(); // as if nothing listened
        return;
      }
      inbound.pause();
      client.connect(upstreamPort, "127.0.0.1").onComplete(connected -> {
        if (connected.failed()) {
          inbound.close();
        } else {
          wire(inbound, connected.result());
          inbound.resume();
        }
      });
    });
    this.port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  public int port() {
    return port;
  }

  /** Every answer from the server reaches the client this much later (0: at once). */
  public void delay(long millis) {
    delayMs = millis;
  }

  /** Down: every connection, open or new, is closed at once; up again: connections pass. */
  public void down(boolean isDown) {
    down = isDown;
    if (isDown) {
      open.forEach(NetSocket::close);
    }
  }

  /**
   * On: every open connection, and each one opened while it is on, silently drops what either side sends, and keeps
   * doing so forever: nothing is closed, nothing is answered. Off: connections opened from now on pass again (a
   * new primary is up), the holed ones stay dead.
   */
  public void blackHole(boolean on) {
    blackHole = on;
    if (on) {
      holed.addAll(open);
    }
  }

  /** Starts counting the occurrences of {@code text} in client requests. */
  public void watch(String text) {
    watched.putIfAbsent(text, new AtomicInteger());
  }

  public int count(String text) {
    return watched.get(text).get();
  }

  private void wire(NetSocket inbound, NetSocket upstream) {
    open.add(inbound);
    open.add(upstream);
    if (blackHole) {
      holed.add(inbound);
    }
    Scanner scanner = new Scanner();
    inbound.handler(data -> {
      if (holed.contains(inbound) || holed.contains(upstream)) {
        return;
      }
      upstream.write(data);
      scanner.scan(data.toString(StandardCharsets.ISO_8859_1));
    });
    Future<?>[] last = {Future.succeededFuture()};
    upstream.handler(data -> {
      if (holed.contains(inbound) || holed.contains(upstream)) {
        return;
      }
      long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
      last[0] = last[0].compose(v -> {
        long wait = TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime());
        return wait > 0 ? vertx.timer(wait) : Future.succeededFuture();
      }).onComplete(v -> inbound.write(data)); // in order, each chunk delayed from its own arrival
    });
    inbound.closeHandler(v -> {
      open.remove(inbound);
      upstream.close();
    });
    upstream.closeHandler(v -> {
      open.remove(upstream);
      last[0].onComplete(x -> inbound.close());
    });
  }

  /** Finds watched texts in one connection's stream, also across chunk boundaries, counting each once. */
  private final class Scanner {
    private final StringBuilder text = new StringBuilder();
    private int scanned;

    void scan(String chunk) {
      text.append(chunk);
      int longest = 1;
      for (Map.Entry<String, AtomicInteger> entry : watched.entrySet()) {
        String needle = entry.getKey();
        longest = Math.max(longest, needle.length());
        for (int at = text.indexOf(needle, scanned); at >= 0; at = text.indexOf(needle, at + needle.length())) {
          entry.getValue().incrementAndGet();
        }
      }
      scanned = Math.max(scanned, text.length() - longest + 1);
      text.delete(0, scanned); // matches start at or after "scanned", so the prefix is never needed again
      scanned = 0;
    }
  }

  @Override
  public void close() {
    vertx.close();
  }
}

package io.asynccatalog.testing;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load of POST /products against 127.0.0.1, bounded in count, recording the fate of every request:
 * accepted (with the id), 503, 504 (outcome unknown), another status, refused connection, timed out. Products have
 * unique names.
 */
public final class LoadClient implements AutoCloseable {
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).executor(executor).build();

  /** What happened to the requests of one run; fields are live while it runs. */
  public static final class Run {
    public final Map<String, String> accepted = new ConcurrentHashMap<>(); // id -> name
    public final AtomicInteger unavailable = new AtomicInteger();
    public final AtomicInteger unavailableWithoutRetryAfter = new AtomicInteger();
    /** 504s, and bulk items answered "unknown": sent to SQS, no answer in time; they may be stored. */
    public final AtomicInteger unknown = new AtomicInteger();
    public final AtomicInteger otherStatus = new AtomicInteger();
    public final AtomicInteger connectionFailures = new AtomicInteger();
    public final AtomicInteger timeouts = new AtomicInteger();
    public final AtomicLong slowest503Millis = new AtomicLong();
    public final AtomicInteger acceptedAfterMark = new AtomicInteger();
    /** Bulk requests answered 207: some products queued, some not. */
    public final AtomicInteger partial = new AtomicInteger();
    private volatile boolean marked;
    private volatile boolean stopped;

    /** Sends no further request (those under way are still answered and counted). */
    public void stop() {
      stopped = true;
    }
    private Thread dispatcher;

    /** From now on, count accepted requests separately (e.g. after a dependency came back). */
    public void mark() {
      marked = true;
    }

    public void await(Duration timeout) throws InterruptedException {
      dispatcher.join(timeout.toMillis());
      if (dispatcher.isAlive()) {
        throw new AssertionError("the load did not finish within " + timeout);
      }
    }

    public String summary() {
      return "accepted=" + accepted.size() + " 207=" + partial + " 503=" + unavailable + " unknown=" + unknown
          + " other=" + otherStatus
          + " refused="
          + connectionFailures + " timeouts=" + timeouts + " slowest503=" + slowest503Millis + "ms";
    }
  }

  /** Sends {@code total} POSTs to the port, at most {@code concurrency} at a time, in the background. */
  public Run start(int port, String prefix, int total, int concurrency) {
    return start(port, prefix, total, concurrency, 0);
  }

  /** Like {@link #start(int, String, int, int)}, paced to at most {@code perSecond} requests a second (0: no pacing). */
  public Run start(int port, String prefix, int total, int concurrency, int perSecond) {
    Run run = new Run();
    URI uri = URI.create("http://127.0.0.1:" + port + "/products");
    Semaphore slots = new Semaphore(concurrency);
    run.dispatcher = new Thread(() -> {
      long interval = perSecond == 0 ? 0 : 1_000_000_000L / perSecond;
      long next = System.nanoTime();
      for (int i = 0; i < total && !run.stopped; i++) {
        if (interval > 0) {
          next += interval;
          java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime()); // pacing, not waiting
        }
        try {
          slots.acquire();
        } catch (InterruptedException e) {
          return;
        }
        String name = prefix + "-" + i;
        String body = new JsonObject().put("name", name).put("price", (i % 1000) + ".25").encode();
        long started = System.nanoTime();
        client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
              record(run, name, response, error, (System.nanoTime() - started) / 1_000_000);
              slots.release(); // after recording: await() returns only when every outcome is counted
            });
      }
      try {
        slots.acquire(concurrency); // every request answered
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "load-" + prefix);
    run.dispatcher.start();
    return run;
  }

  /**
   * Sends {@code requests} POST /products/batch of {@code perRequest} products each, at most {@code concurrency} at a
   * time, paced to at most {@code perSecond} requests a second (0: no pacing); records every product whose id came
   * back accepted (in a 202 or a 207).
   */
  public Run startBulk(int port, String prefix, int requests, int perRequest, int concurrency, int perSecond) {
    Run run = new Run();
    URI uri = URI.create("http://127.0.0.1:" + port + "/products/batch");
    Semaphore slots = new Semaphore(concurrency);
    run.dispatcher = new Thread(() -> {
      long interval = perSecond == 0 ? 0 : 1_000_000_000L / perSecond;
      long next = System.nanoTime();
      for (int r = 0; r < requests && !run.stopped; r++) {
        if (interval > 0) {
          next += interval;
          java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime()); // pacing, not waiting
        }
        try {
          slots.acquire();
        } catch (InterruptedException e) {
          return;
        }
        String[] names = new String[perRequest];
        io.vertx.core.json.JsonArray products = new io.vertx.core.json.JsonArray();
        for (int i = 0; i < perRequest; i++) {
          names[i] = prefix + "-" + r + "-" + i;
          products.add(new JsonObject().put("name", names[i]).put("price", (i % 1000) + ".25"));
        }
        String body = new JsonObject().put("products", products).encode();
        long started = System.nanoTime();
        client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
              recordBulk(run, names, response, error, (System.nanoTime() - started) / 1_000_000);
              slots.release();
            });
      }
      try {
        slots.acquire(concurrency);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bulk-load-" + prefix);
    run.dispatcher.start();
    return run;
  }

  private static void recordBulk(Run run, String[] names, HttpResponse<String> response, Throwable error,
                                 long millis) {
    if (error == null && (response.statusCode() == 202 || response.statusCode() == 207)) {
      io.vertx.core.json.JsonArray items = new JsonObject(response.body()).getJsonArray("items");
      for (int i = 0; i < items.size(); i++) {
        JsonObject item = items.getJsonObject(i);
        if ("accepted".equals(item.getString("status"))) {
          run.accepted.put(item.getString("id"), names[i]);
          if (run.marked) {
            run.acceptedAfterMark.incrementAndGet();
          }
        } else if ("unknown".equals(item.getString("status"))) {
          run.unknown.incrementAndGet();
        }
      }
      if (response.statusCode() == 207) {
        run.partial.incrementAndGet();
      }
      return;
    }
    record(run, null, response, error, millis);
  }

  private static void record(Run run, String name, HttpResponse<String> response, Throwable error, long millis) {
    if (error != null) {
      Throwable cause = error.getCause() != null ? error.getCause() : error;
      if (cause instanceof HttpTimeoutException) {
        run.timeouts.incrementAndGet();
      } else {
        run.connectionFailures.incrementAndGet(); // refused, or cut by a dying server: never acknowledged
      }
      return;
    }
    if (response.statusCode() == 202) {
      run.accepted.put(new JsonObject(response.body()).getString("id"), name);
      if (run.marked) {
        run.acceptedAfterMark.incrementAndGet();
      }
    } else if (response.statusCode() == 504) {
      // sent when SQS went away, unanswered: it may be stored, and the run counts it apart from refusals
      run.unknown.incrementAndGet();
      run.slowest503Millis.accumulateAndGet(millis, Math::max);
    } else if (response.statusCode() == 503) {
      run.unavailable.incrementAndGet();
      run.slowest503Millis.accumulateAndGet(millis, Math::max);
      if (response.headers().firstValue("Retry-After").isEmpty()) {
        run.unavailableWithoutRetryAfter.incrementAndGet();
      }
    } else {
      run.otherStatus.incrementAndGet();
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether anything listens on the port. */
  public static boolean listening(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}

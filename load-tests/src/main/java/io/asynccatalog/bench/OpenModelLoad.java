package io.asynccatalog.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open-model load: POSTs of products at a fixed arrival rate, whatever pace the answers come at, each latency
 * counted from the request's intended start. A slow answer delays no later request, so queueing shows in the
 * latencies instead of hiding as a lower rate (as it does with a closed loop such as wrk). Lighter than Gatling (one
 * event loop, no reports), so more of the two cores stay with the service and the local servers.
 *
 * <p>Usage: OpenModelLoad url rate seconds [warmSeconds] [connections] [perRequest]. With {@code perRequest} above 1
 * (default 1), each request is a bulk request of that many products ({@code url} then names /products/batch) and
 * {@code rate} counts requests. The first {@code warmSeconds} (default 5) go
 * at the same rate but are not counted: they open the connections and warm this JVM, whose own cold start would
 * otherwise show as the service's latency. Then {@code seconds} are measured; it waits at most
 * {@value #DRAIN_SECONDS} s for the answers still due, and prints one line:
 * {@code sent=… accepted=… other=… failed=… p50_ms=… p90_ms=… p99_ms=… p999_ms=… max_ms=…}
 * (accepted: 202; other: any other status; failed: no answer).
 */
public final class OpenModelLoad {
  private static final int DRAIN_SECONDS = 30;

  private OpenModelLoad() {}

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    double rate = Double.parseDouble(args[1]);
    int seconds = Integer.parseInt(args[2]);
    int warmSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    int connections = args.length > 4 ? Integer.parseInt(args[4]) : 256;
    int perRequest = args.length > 5 ? Integer.parseInt(args[5]) : 1;
    int warm = (int) Math.round(rate * warmSeconds);
    int total = warm + (int) Math.round(rate * seconds);
    String tag = Long.toString(System.nanoTime() % 1_000_000_000L);

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost())
        .setPort(url.getPort()).setURI(url.getRawPath()).putHeader("Content-Type", "application/json")
        .setIdleTimeout(DRAIN_SECONDS * 1000L);

    long[] latencies = new long[total - warm];
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(total);
    long start = System.nanoTime();
    long[] sent = {0};
    // every millisecond, whatever is due by now goes out, each stamped with its own intended start
    vertx.setPeriodic(1, id -> {
      long due = Math.min(total, (long) ((System.nanoTime() - start) * rate / 1e9));
      for (; sent[0] < due; sent[0]++) {
        long intended = start + (long) (sent[0] * 1e9 / rate);
        boolean counted = sent[0] >= warm;
        Buffer body = body(tag + "-" + sent[0], perRequest);
        client.request(post).compose(request -> request.send(body)).compose(response -> {
              if (counted) {
                (response.statusCode() == 202 ? accepted : other).incrementAndGet();
              }
              return response.body();
            })
            .onComplete(result -> {
              if (counted && result.succeeded()) {
                latencies[answered.getAndIncrement()] = System.nanoTime() - intended;
              }
              done.countDown();
            });
      }
      if (sent[0] == total) {
        vertx.cancelTimer(id);
      }
    });
    boolean all = done.await(warmSeconds + seconds + DRAIN_SECONDS, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);

    int n = answered.get();
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    System.out.printf("sent=%d accepted=%d other=%d failed=%d p50_ms=%s p90_ms=%s p99_ms=%s p999_ms=%s"
            + " max_ms=%s%n", total - warm, accepted.get(), other.get(), total - warm - n,
        ms(sorted, 0.5), ms(sorted, 0.9), ms(sorted, 0.99), ms(sorted, 0.999), ms(sorted, 1.0));
    if (!all) {
      System.err.printf("%d request(s) still unanswered after %d s%n", done.getCount(), DRAIN_SECONDS);
    }
  }

  /** One product, or a bulk request of {@code perRequest} products, with unique names. */
  private static Buffer body(String name, int perRequest) {
    if (perRequest <= 1) {
      return Buffer.buffer(product(name));
    }
    StringBuilder body = new StringBuilder(120 * perRequest).append("{\"products\":[");
    for (int i = 0; i < perRequest; i++) {
      body.append(i == 0 ? "" : ",").append(product(name + "-" + i));
    }
    return Buffer.buffer(body.append("]}").toString());
  }

  private static String product(String name) {
    return "{\"name\":\"Open " + name + "\",\"description\":\"Blue ink\",\"price\":\"1.99\",\"category\":\"bench\"}";
  }

  /** The q-quantile of sorted nanoseconds, in milliseconds (nearest rank). */
  private static String ms(long[] sorted, double q) {
    if (sorted.length == 0) {
      return "-";
    }
    int rank = (int) Math.ceil(q * sorted.length) - 1;
    return String.format("%.1f", sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6);
  }
}

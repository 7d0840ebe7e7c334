package io.asynccatalog.aws;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.TrustOptions;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpResponseHandler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The AWS SDK's HTTP transport on Vert.x's own HTTP client (CATALOG_AWS_HTTP_CLIENT=vertx). A call made on a
 * verticle's event loop is written, and its response read, on that same event loop: no hand-off to an I/O thread
 * and back, one socket write per request. Bodies are buffered whole, in both directions; the service's requests and
 * responses are small (a product, a report, a batch of ten messages), never streams.
 */
public final class VertxSdkHttpClient implements SdkAsyncHttpClient {
  private final Vertx vertx;
  private final HttpClientOptions options;
  private final PoolOptions pool;
  private final Duration idleTimeout;
  private final Context outside;
  private final HttpClient shared;
  private final Map<Thread, HttpClient> perEventLoop = new ConcurrentHashMap<>();

  public VertxSdkHttpClient(Vertx vertx, int maxConnections, Duration connectTimeout, Duration idleTimeout) {
    this(vertx, maxConnections, connectTimeout, idleTimeout, null);
  }

  /**
   * {@code trust} null: HTTPS endpoints are checked against the JVM's trust store (the one the SDK's own client
   * uses, javax.net.ssl.trustStore if set), and their certificate must name the host called.
   */
  VertxSdkHttpClient(Vertx vertx, int maxConnections, Duration connectTimeout, Duration idleTimeout,
                     TrustOptions trust) {
    this.vertx = vertx;
    this.idleTimeout = idleTimeout;
    this.options = new HttpClientOptions()
        .setKeepAlive(true)
        .setConnectTimeout((int) connectTimeout.toMillis())
        .setVerifyHost(true) // Vert.x's default, stated: without it any trusted certificate would do
        .setDecompressionSupported(false); // the SDK sees the bytes as the service sent them
    if (trust != null) {
      options.setTrustOptions(trust);
    }
    this.pool = new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1);
    this.outside = vertx.getOrCreateContext();
    this.shared = build();
  }

  private HttpClient build() {
    return vertx.httpClientBuilder().with(options).with(pool).build();
  }

  /**
   * One client per event loop: a client's connections are opened on the loop that first needs them, and any later
   * request may take any of them, so with one client for all loops a call would still hop to another loop's thread
   * and back. Calls from anywhere else (start-up, tests, worker verticles, the SDK's retry timer) are moved onto one
   * event-loop context of our own with one more client, so a Vert.x client is only ever driven from an event loop.
   */
  @Override
  public CompletableFuture<Void> execute(AsyncExecuteRequest execution) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Context context = Vertx.currentContext();
    if (context != null && context.isEventLoopContext() && Context.isOnEventLoopThread()) {
      send(execution, perEventLoop.computeIfAbsent(Thread.currentThread(), thread -> build()), done);
    } else {
      outside.runOnContext(v -> send(execution, shared, done));
    }
    return done;
  }

  /** An answer read whole: the direct calls' view of a response ({@link SignedRequests}). */
  public record Exchange(int status, MultiMap headers, Buffer body) {}

  /**
   * Sends a request written and signed by us ({@link SignedRequests}) on the same connections as the SDK's calls,
   * on the calling event loop's own client (off an event loop: on ours). The returned future completes on the
   * caller's context. Failing {@code abandon} (a deadline that passed) resets the request and its connection.
   */
  public Future<Exchange> exchange(SdkHttpRequest request, Buffer body, Future<Void> abandon) {
    Context context = Vertx.currentContext();
    if (context != null && context.isEventLoopContext() && Context.isOnEventLoopThread()) {
      return exchange(perEventLoop.computeIfAbsent(Thread.currentThread(), thread -> build()), request, body, abandon);
    }
    Promise<Exchange> answer = context == null ? Promise.promise() : ((io.vertx.core.internal.ContextInternal) context)
        .promise();
    outside.runOnContext(v -> exchange(shared, request, body, abandon).onComplete(answer));
    return answer.future();
  }

  private Future<Exchange> exchange(HttpClient client, SdkHttpRequest request, Buffer body, Future<Void> abandon) {
    return client.request(options(request)).compose(sent -> {
      abandon.onFailure(error -> sent.reset(0, error));
      return (body.length() == 0 ? sent.send() : sent.send(body))
          .compose(response -> response.body().map(bytes -> new Exchange(response.statusCode(), response.headers(),
              bytes)));
    });
  }

  private void send(AsyncExecuteRequest execution, HttpClient client, CompletableFuture<Void> done) {
    SdkAsyncHttpResponseHandler handler = execution.responseHandler();
    RequestOptions options = options(execution.request());
    collect(execution.requestContentPublisher())
        .compose(body -> client.request(options).compose(request -> {
          // a call the SDK gives up on (its call timeout fails or cancels this future) drops its request, and
          // with it the connection; after a normal end the reset does nothing
          done.whenComplete((v, error) -> {
            if (error != null) {
              request.reset();
            }
          });
          return body.length() == 0 ? request.send() : request.send(body);
        }))
        .compose(response -> {
          if (done.isDone()) {
            return Future.failedFuture("abandoned by the SDK");
          }
          handler.onHeaders(headers(response));
          return response.body();
        })
        .onSuccess(body -> {
          if (!done.isDone()) {
            handler.onStream(new SingleBufferPublisher(body, done));
          }
        })
        .onFailure(error -> {
          if (done.isDone()) {
            return;
          }
          // the SDK retries transport failures that are IOExceptions; Vert.x reports some as its own exceptions
          Throwable failure = error instanceof IOException ? error : new IOException(error.getMessage(), error);
          handler.onError(failure);
          done.completeExceptionally(failure);
        });
  }

  private RequestOptions options(SdkHttpRequest request) {
    String query = request.encodedQueryParameters().map(q -> "?" + q).orElse("");
    String path = request.encodedPath().isEmpty() ? "/" : request.encodedPath();
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.valueOf(request.method().name()))
        .setHost(request.host())
        .setPort(request.port())
        .setSsl("https".equalsIgnoreCase(request.protocol()))
        .setURI(path + query)
        .setIdleTimeout(idleTimeout.toMillis());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    request.forEachHeader((name, values) -> values.forEach(value -> headers.add(name, value)));
    return options.setHeaders(headers);
  }

  private static SdkHttpResponse headers(HttpClientResponse response) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    response.headers().forEach(e -> headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>(1)).add(e.getValue()));
    return SdkHttpResponse.builder()
        .statusCode(response.statusCode())
        .statusText(response.statusMessage())
        .headers(headers)
        .build();
  }

  /** The request body, whole (the SDK's publishers for in-memory bodies emit at once). */
  private static Future<Buffer> collect(Publisher<ByteBuffer> publisher) {
    if (publisher == null) {
      return Future.succeededFuture(Buffer.buffer());
    }
    Promise<Buffer> body = Promise.promise();
    publisher.subscribe(new Subscriber<>() {
      private final Buffer bytes = Buffer.buffer();

      @Override
      public void onSubscribe(Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ByteBuffer chunk) {
        byte[] copy = new byte[chunk.remaining()];
        chunk.get(copy);
        bytes.appendBytes(copy);
      }

      @Override
      public void onError(Throwable error) {
        body.tryFail(error);
      }

      @Override
      public void onComplete() {
        body.tryComplete(bytes);
      }
    });
    return body.future();
  }

  @Override
  public String clientName() {
    return "VertxHttpClient";
  }

  @Override
  public void close() {
    shared.close();
    perEventLoop.values().forEach(HttpClient::close);
  }

  /** The response body as the one element of a Reactive Streams publisher; completes the call when delivered. */
  private static final class SingleBufferPublisher implements Publisher<ByteBuffer> {
    private final Buffer body;
    private final CompletableFuture<Void> done;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    SingleBufferPublisher(Buffer body, CompletableFuture<Void> done) {
      this.body = body;
      this.done = done;
    }

    @Override
    public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
      if (!subscribed.compareAndSet(false, true)) {
        subscriber.onSubscribe(new Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
        subscriber.onError(new IllegalStateException("the response body can be read once"));
        return;
      }
      subscriber.onSubscribe(new Subscription() {
        private boolean finished;

        @Override
        public void request(long n) {
          if (finished) {
            return;
          }
          if (n <= 0) {
            finished = true;
            subscriber.onError(new IllegalArgumentException("request(" + n + "): demand must be positive"));
            done.complete(null);
            return;
          }
          finished = true;
          if (body.length() > 0) {
            subscriber.onNext(ByteBuffer.wrap(body.getBytes()));
          }
          subscriber.onComplete();
          done.complete(null);
        }

        @Override
        public void cancel() {
          finished = true;
          done.complete(null);
        }
      });
    }
  }
}

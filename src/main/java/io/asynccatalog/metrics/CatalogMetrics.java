package io.asynccatalog.metrics;

import io.asynccatalog.aws.Dependencies;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's own meters, on the registry Vert.x exposes at /metrics (Prometheus names: {@code catalog_*}).
 * HTTP, event-bus and JVM meters come from vertx-micrometer-metrics itself.
 */
public final class CatalogMetrics {
  private final MeterRegistry registry;
  /** Per client (a bounded set: the configured names, or anonymous): products accepted, refused, rate-limited. */
  private final java.util.Map<String, ClientMeters> clients = new java.util.concurrent.ConcurrentHashMap<>();
  private final DistributionSummary enqueueBatchSize;
  private final DistributionSummary packSize;
  private final Counter productsReceived;
  private final java.util.Map<String, Counter> sqsRequests = new java.util.concurrent.ConcurrentHashMap<>();
  private final Timer enqueueCall;
  private final Counter received;
  private final Counter deleted;
  private final Counter retried;
  private final Counter deadLettered;
  private final Counter stored;
  private final Counter storeFailures;
  private final Timer storeBatch;
  private final DistributionSummary receiveBatchSize;
  private final DistributionSummary storeBatchSize;
  private final Timer acceptToStored;
  private final Counter reportObjects;
  private final Counter deferred;
  private final Counter deadlinePassed;
  private final Counter superseded;
  private final Counter visibilityLost;
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong queueDepth = new AtomicLong(-1);
  private final AtomicLong dlqDepth = new AtomicLong(-1);

  public CatalogMetrics(MeterRegistry registry) {
    this.registry = registry;
    enqueueBatchSize = DistributionSummary.builder("catalog.enqueue.batch.size")
        .description("Products per SQS send call").publishPercentiles(0.5).register(registry);
    packSize = DistributionSummary.builder("catalog.enqueue.pack.size")
        .description("Products per SQS message sent (1 without packing)").publishPercentiles(0.5).register(registry);
    productsReceived = Counter.builder("catalog.products.received").description("Products in messages received")
        .register(registry);
    enqueueCall = Timer.builder("catalog.enqueue.call").description("SQS send call latency")
        .publishPercentiles(0.5, 0.99).register(registry);
    received = Counter.builder("catalog.messages.received").description("Messages received from SQS")
        .register(registry);
    deleted = Counter.builder("catalog.messages.deleted").description("Messages deleted after storing")
        .register(registry);
    retried = Counter.builder("catalog.messages.retried").description("Messages hidden for a later retry")
        .register(registry);
    deadLettered = Counter.builder("catalog.messages.deadlettered")
        .description("Messages (or products of packs) moved to the dead-letter queue by the consumer")
        .register(registry);
    stored = Counter.builder("catalog.products.stored").description("Products whose item and report are written")
        .register(registry);
    storeFailures = Counter.builder("catalog.products.store.failures").description("Products not stored on a try")
        .register(registry);
    storeBatch = Timer.builder("catalog.store.batch").description("Storing one group of products (table + reports)")
        .publishPercentiles(0.5, 0.99).register(registry);
    receiveBatchSize = DistributionSummary.builder("catalog.receive.batch.size")
        .description("Messages per SQS receive call (empty long polls count as 0)").publishPercentiles(0.5)
        .register(registry);
    storeBatchSize = DistributionSummary.builder("catalog.store.batch.size")
        .description("Products per store group (BatchWriteItem calls of up to 25, one batched report)")
        .publishPercentiles(0.5)
        .register(registry);
    acceptToStored = Timer.builder("catalog.products.accept.to.stored")
        .description("From the 202 to the product being stored").publishPercentiles(0.5, 0.99)
        .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    reportObjects = Counter.builder("catalog.reports.objects").description("Report objects written to S3")
        .register(registry);
    deferred = Counter.builder("catalog.products.deferred")
        .description("Products not stored on a try for a dependency's fault (outage, throttling, a deadline passed "
            + "while it was slow): handed on without spending a try").register(registry);
    superseded = Counter.builder("catalog.writes.superseded")
        .description("Writes that lost to later ones of the same product (settled as done, not stored)")
        .register(registry);
    deadlinePassed = Counter.builder("catalog.saves.deadline.passed")
        .description("Products whose save reached its deadline before they were written").register(registry);
    visibilityLost = Counter.builder("catalog.messages.visibility.failures")
        .description("Messages whose visibility SQS did not change when asked (extension or backoff)")
        .register(registry);
    Gauge.builder("catalog.messages.inflight", inFlight, AtomicLong::get)
        .description("Messages received and not yet settled").register(registry);
    Gauge.builder("catalog.queue.depth", queueDepth, AtomicLong::get)
        .description("Approximate visible + in-flight messages of the product queue (polled)").register(registry);
    Gauge.builder("catalog.dlq.depth", dlqDepth, AtomicLong::get)
        .description("Approximate messages in the dead-letter queue (polled)").register(registry);
  }

  /** Meters that go nowhere, for code paths without a registry (tools, unit tests). */
  public static CatalogMetrics none() {
    return new CatalogMetrics(new SimpleMeterRegistry());
  }

  /** Circuit state per dependency: 0 closed, 1 half-open, 2 open. */
  public void watch(Dependencies dependencies) {
    for (CircuitBreaker breaker : dependencies.all()) {
      Gauge.builder("catalog.circuit.state", breaker, b -> switch (b.state()) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
          })
          .tag("dependency", breaker.name())
          .description("Circuit breaker state: 0 closed, 1 half-open, 2 open").register(registry);
    }
  }

  /** The PostgreSQL pool's configured size, beside Vert.x's own vertx_pool_* meters (in use, waiting, queue time). */
  public void postgresPool(int maxSize) {
    Gauge.builder("catalog.postgres.pool.size", () -> maxSize)
        .description("Connections the PostgreSQL pool may open (CATALOG_POSTGRES_POOL_SIZE)").register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  private record ClientMeters(Counter accepted, Counter refused, Counter limited) {}

  /** Registers every client's meters at 0, so that each series exists before its first product. */
  public void clients(java.util.List<String> names) {
    names.forEach(this::client);
  }

  private ClientMeters client(String name) {
    ClientMeters meters = clients.get(name);
    return meters != null ? meters : clients.computeIfAbsent(name, n -> new ClientMeters(
        Counter.builder("catalog.products.accepted").tag("client", n).description("Products answered 202")
            .register(registry),
        Counter.builder("catalog.products.refused").tag("client", n)
            .description("Products valid but not queued (503, or 500 when SQS refused them)").register(registry),
        Counter.builder("catalog.products.rate.limited").tag("client", n)
            .description("Products of requests answered 429: over the client's rate limit").register(registry)));
  }

  public void accepted(String client, int products) {
    client(client).accepted().increment(products);
  }

  public void refused(String client, int products) {
    client(client).refused().increment(products);
  }

  public void rateLimited(String client, int products) {
    client(client).limited().increment(products);
  }

  public void enqueueCall(int products, int messages, long nanos) {
    enqueueBatchSize.record(products);
    for (int i = 0; i < messages; i++) {
      packSize.record((double) products / messages);
    }
    enqueueCall.record(Duration.ofNanos(nanos));
  }

  /** One SQS request of the given kind (send, receive, delete, visibility, dead-letter): what SQS bills. */
  public void sqsRequest(String call) {
    sqsRequests.computeIfAbsent(call, c -> Counter.builder("catalog.sqs.requests").tag("call", c)
        .description("SQS requests made, by call").register(registry)).increment();
  }

  public void productsReceived(int count) {
    productsReceived.increment(count);
  }

  public void received(int count) {
    receiveBatchSize.record(count);
    received.increment(count);
    inFlight.addAndGet(count);
  }

  public void settled(int count) {
    inFlight.addAndGet(-count);
  }

  public void deleted(int count) {
    deleted.increment(count);
  }

  public void retried(int count) {
    retried.increment(count);
  }

  public void deadLettered(int count) {
    deadLettered.increment(count);
  }

  public void stored(Duration sinceAccepted) {
    stored.increment();
    acceptToStored.record(sinceAccepted);
  }

  public void storeFailures(int count) {
    storeFailures.increment(count);
  }

  public void storeBatch(long nanos, int products) {
    storeBatch.record(Duration.ofNanos(nanos));
    storeBatchSize.record(products);
  }

  public void deferred(int count) {
    deferred.increment(count);
  }

  public void superseded(int count) {
    superseded.increment(count);
  }

  public void deadlinePassed(int count) {
    deadlinePassed.increment(count);
  }

  public void visibilityFailures(int count) {
    visibilityLost.increment(count);
  }

  public void reportObjects(int count) {
    reportObjects.increment(count);
  }

  public void queueDepth(long queue, long dlq) {
    queueDepth.set(queue);
    dlqDepth.set(dlq);
  }
}

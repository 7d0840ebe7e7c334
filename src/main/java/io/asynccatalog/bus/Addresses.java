package io.asynccatalog.bus;

/** Every event-bus address of the service, with what it takes and what it answers. */
public final class Addresses {
  /**
   * Put one accepted product on the queue. Request: {@link io.asynccatalog.domain.Product}. Reply: the SQS message
   * id once SQS has acknowledged the message; fails with {@link #OVERLOADED} when the publisher is saturated or
   * SQS did not answer in time, and {@link #FAILED} when SQS refused it.
   */
  public static final String ENQUEUE = "catalog.products.enqueue";

  /**
   * Store a batch of products: table item first, then the report. Request: {@link SaveBatch}. Reply:
   * {@link SaveOutcome} naming the products that are fully stored; fails only if the batch could not be tried.
   */
  public static final String SAVE = "catalog.products.save";

  /** Failure code: try again later (HTTP 503). */
  public static final int OVERLOADED = 503;
  /** Failure code: the dependency refused the work (HTTP 500 on the ingest path is reported as 503 too). */
  public static final int FAILED = 500;

  private Addresses() {}
}

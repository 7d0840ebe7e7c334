package io.asynccatalog.bus;

/** Every event-bus address of the service, with what it takes and what it answers. */
public final class Addresses {
  /**
   * Put the accepted products of one request on the queue. Request: {@link EnqueueRequest}. Reply:
   * {@link EnqueueResult}, once SQS has acknowledged or refused the message of every product (or its deadline has
   * passed), saying which were taken; fails with {@link #OVERLOADED} when the publisher cannot take them all.
   */
  public static final String ENQUEUE = "catalog.products.enqueue";

  /**
   * Store a group of products: the store first, then the reports. Request: {@link SaveBatch}. Reply:
   * {@link SaveOutcome} naming the products that are fully stored; fails only if the group could not be tried.
   */
  public static final String SAVE = "catalog.products.save";

  /** Failure code: try again later (HTTP 503). */
  public static final int OVERLOADED = 503;
  /** Failure code: the dependency refused the work (HTTP 500 on the ingest path is reported as 503 too). */
  public static final int FAILED = 500;

  private Addresses() {}
}

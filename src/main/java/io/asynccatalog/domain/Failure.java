package io.asynccatalog.domain;

/**
 * Why a product was not stored on a try, and whose fault that was. A product's own fault (a value its store refuses)
 * spends one of its tries, and after the last it goes to the dead-letter queue. A dependency's fault (an outage,
 * throttling, a deadline passed while a dependency was slow) spends none: the product waits until the dependency
 * takes work again, however long that is.
 */
public record Failure(String reason, boolean dependency) {

  public static Failure own(String reason) {
    return new Failure(reason, false);
  }

  public static Failure ofDependency(String reason) {
    return new Failure(reason, true);
  }

  @Override
  public String toString() {
    return dependency ? reason + " (a dependency's fault: no try spent)" : reason;
  }
}

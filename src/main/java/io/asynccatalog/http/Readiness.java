package io.asynccatalog.http;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the service takes products. Down until everything is deployed, down again first thing on shutdown, so a
 * load balancer stops sending before the service stops taking.
 */
public final class Readiness {
  private final AtomicReference<String> notReadyReason = new AtomicReference<>("starting");

  public void ready() {
    notReadyReason.set(null);
  }

  public void notReady(String reason) {
    notReadyReason.set(reason);
  }

  public boolean isReady() {
    return notReadyReason.get() == null;
  }

  /** Why the service is not ready, or null when it is. */
  public String reason() {
    return notReadyReason.get();
  }
}

package io.asynccatalog.http;

import io.asynccatalog.bus.Deadline;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;

/**
 * The deadline of a request, one for every step of it: a request not answered by then gets {@code 408}, whatever
 * it was doing (a stalled body, a slow idempotency store). Once a write hands its products to the publisher it
 * {@link #commit commits}: the 408 can no longer come, and the publisher answers within what is left, so that a
 * client is never told its request timed out while its products are being queued; a step that finds the deadline
 * already answered does nothing more.
 */
final class RequestDeadline implements Handler<RoutingContext> {
  private static final String DEADLINE = "catalog.deadline";
  private static final String TIMER = "catalog.deadline.timer";

  private final Vertx vertx;
  private final Duration timeout;

  RequestDeadline(Vertx vertx, Duration timeout) {
    this.vertx = vertx;
    this.timeout = timeout;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.put(DEADLINE, Deadline.in(timeout));
    long timer = vertx.setTimer(timeout.toMillis(), id -> {
      ctx.remove(TIMER);
      if (!ctx.response().ended() && !ctx.failed()) {
        ctx.fail(408);
      }
    });
    ctx.put(TIMER, timer);
    ctx.addEndHandler(done -> vertx.cancelTimer(timer));
    ctx.next();
  }

  /** Whether the request was answered already (its 408, typically): a late step then does nothing. */
  static boolean over(RoutingContext ctx) {
    return ctx.response().ended() || ctx.failed();
  }

  /**
   * Takes the deadline over from the 408 timer: null when the request is over or has less than {@code least}
   * left (then nothing should start), else its deadline, which the caller now answers by.
   */
  static Deadline commit(RoutingContext ctx, Duration least) {
    Long timer = ctx.get(TIMER);
    Deadline deadline = ctx.get(DEADLINE);
    if (over(ctx) || timer == null || deadline == null || deadline.remaining().compareTo(least) < 0) {
      return null;
    }
    ctx.vertx().cancelTimer(timer);
    ctx.remove(TIMER);
    return deadline;
  }
}

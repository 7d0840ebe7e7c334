package io.asynccatalog.versions;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The convergence rule on the model itself: for any writes of one product (replaces, patches, deletes; versions of
 * the service's and of the client's, ties included), applied in any order, any number of times, the state equals those
 * writes applied one after the other in stamp order, as a plain sequence of overwrites would leave it. jqwik prints
 * the seed of a failing case.
 */
class ConvergenceTest {

  @Provide
  Arbitrary<ProductWrite> writes() {
    Arbitrary<ProductWrite.Kind> kind = Arbitraries.of(ProductWrite.Kind.class);
    Arbitrary<Boolean> client = Arbitraries.integers().between(0, 9).map(n -> n == 0); // mostly the service's
    Arbitrary<Long> version = Arbitraries.longs().between(0, 6); // a narrow range: many ties
    Arbitrary<String> writeId = Arbitraries.strings().withCharRange('a', 'z').ofLength(8);
    Arbitrary<Map<String, String>> values = Arbitraries.maps(Arbitraries.of(VersionedProduct.FIELDS),
        Arbitraries.strings().withCharRange('A', 'E').ofLength(1).injectNull(0.2)).ofMaxSize(6);
    return Combinators.combine(kind, client, version, writeId, values)
        .filter((k, c, v, id, vals) -> k != ProductWrite.Kind.PATCH || !vals.isEmpty())
        .as((k, c, v, id, vals) -> new ProductWrite(k, new Stamp(c, v, id),
            k == ProductWrite.Kind.DELETE ? Map.of() : vals));
  }

  /** The writes applied one after the other in stamp order, each overwriting what it sets. */
  private static Map<String, String> sequential(List<ProductWrite> writes) {
    List<ProductWrite> ordered = new ArrayList<>(writes);
    ordered.sort((a, b) -> a.stamp().compareTo(b.stamp()));
    Map<String, String> state = new HashMap<>();
    for (ProductWrite write : ordered) {
      for (String field : write.touched()) {
        state.put(field, write.valueOf(field));
      }
    }
    state.values().removeIf(java.util.Objects::isNull);
    return state;
  }

  private static Map<String, String> values(VersionedProduct product) {
    Map<String, String> state = new HashMap<>();
    for (String field : VersionedProduct.FIELDS) {
      if (product.value(field) != null) {
        state.put(field, product.value(field));
      }
    }
    return state;
  }

  @Property(tries = 2000)
  void anyOrderAndAnyRepetitionEqualsTheWritesInStampOrder(
      @ForAll @Size(min = 1, max = 8) @UniqueElements(by = WriteId.class) List<@From("writes") ProductWrite> writes,
      @ForAll long seed) {
    List<ProductWrite> delivered = new ArrayList<>(writes);
    Random random = new Random(seed);
    for (ProductWrite write : writes) {
      if (random.nextInt(3) == 0) {
        delivered.add(write); // redelivered
      }
    }
    Collections.shuffle(delivered, random);
    VersionedProduct product = VersionedProduct.none();
    for (ProductWrite write : delivered) {
      product = product.apply(write).product();
    }
    Map<String, String> expected = sequential(writes);
    assertEquals(expected, values(product), "delivered in the order " + delivered);
    assertEquals(writes.stream().map(ProductWrite::stamp).max(Stamp::compareTo).orElseThrow(), product.latest());
    assertEquals(VersionedProduct.REQUIRED.stream().allMatch(expected::containsKey), product.visible());
    for (ProductWrite write : writes) {
      assertEquals(product, product.apply(write).product(), "applying any write again changes nothing");
    }
  }

  @Test
  void aDeleteThenALateOlderReplaceStaysDeletedAndANewerReplaceBringsItBack() {
    ProductWrite created = replace(1, "Pen", "1.99");
    ProductWrite deleted = new ProductWrite(ProductWrite.Kind.DELETE, new Stamp(false, 5, "d"), Map.of());
    ProductWrite lateOlder = replace(3, "Old pen", "0.99");
    VersionedProduct product = VersionedProduct.none().apply(created).product().apply(deleted).product();
    assertFalse(product.visible());
    VersionedProduct.Applied late = product.apply(lateOlder);
    assertEquals(VersionedProduct.Outcome.SUPERSEDED, late.outcome(), "an older write cannot bring it back");
    assertFalse(late.product().visible());
    VersionedProduct back = late.product().apply(replace(7, "New pen", "2.49")).product();
    assertTrue(back.visible());
    assertEquals("New pen", back.value("name"));
    assertEquals(VersionedProduct.Outcome.SUPERSEDED, back.apply(deleted).outcome(),
        "redelivered after a newer write overwrote all it set: it loses, and is done");
    assertEquals(VersionedProduct.Outcome.ALREADY_APPLIED, back.apply(replace(7, "New pen", "2.49")).outcome());
  }

  @Test
  void aPatchFirstIsNotShownUntilARequiredFieldsWriteAndANewerPatchOutlivesAnOlderReplace() {
    ProductWrite patch = new ProductWrite(ProductWrite.Kind.PATCH, new Stamp(false, 9, "p"), Map.of("price", "5.00"));
    VersionedProduct patched = VersionedProduct.none().apply(patch).product();
    assertFalse(patched.visible(), "a patch alone fills no name");
    VersionedProduct replaced = patched.apply(replace(4, "Mug", "3.00")).product();
    assertTrue(replaced.visible());
    assertEquals("Mug", replaced.value("name"), "the older replace sets what the newer patch did not name");
    assertEquals("5.00", replaced.value("price"), "and loses the field the newer patch did");
    assertEquals(9, replaced.latest().version());
  }

  @Test
  void aClientVersionedWriteOutranksEveryWriteVersionedHere() {
    ProductWrite client = new ProductWrite(ProductWrite.Kind.REPLACE, new Stamp(true, 2, "c"),
        Map.of("name", "Feed pen", "price", "1.00", "currency", "USD"));
    ProductWrite ours = replace(new VersionClock().next(), "Ours", "9.00");
    VersionedProduct product = VersionedProduct.none().apply(ours).product().apply(client).product();
    assertEquals("Feed pen", product.value("name"));
    assertEquals(VersionedProduct.Outcome.SUPERSEDED, product.apply(ours).outcome());
    assertEquals(VersionedProduct.Outcome.SUPERSEDED, VersionedProduct.none().apply(client).product().apply(ours)
        .outcome(), "arriving after it, the service-versioned write loses whatever its version");
  }

  @Test
  void theClockIsStrictlyIncreasingEvenWhenTheWallClockStepsBack() {
    AtomicLong wall = new AtomicLong(1_800_000_000_000_000L);
    VersionClock clock = new VersionClock(wall::get);
    long first = clock.next();
    long second = clock.next();
    wall.addAndGet(-5_000_000); // NTP steps the clock back
    long third = clock.next();
    long fourth = clock.next(3); // a request of three writes: three consecutive versions
    long seventh = clock.next();
    wall.addAndGet(10_000_000);
    long eighth = clock.next();
    assertTrue(first < second && second < third && third < fourth && fourth < seventh && seventh < eighth);
    assertEquals(third + 1, fourth);
    assertEquals(fourth + 3, seventh, "the three are reserved");
    assertEquals(1_800_000_000_000L, VersionClock.instantOf(first).toEpochMilli());
    assertEquals(1_800_000_005_000L, VersionClock.instantOf(eighth).toEpochMilli(), "back on the wall clock");
    assertEquals(first, VersionClock.microsOf(VersionClock.instantOf(first)), "a version is its acceptance time");
    assertTrue(eighth < Long.MAX_VALUE >> 1, "room in 63 bits: " + eighth);
  }

  private static ProductWrite replace(long version, String name, String price) {
    return new ProductWrite(ProductWrite.Kind.REPLACE, new Stamp(false, version, "w" + version),
        Map.of("name", name, "price", price, "currency", "USD"));
  }

  /** Every write has an id of its own (a UUID at ingest). */
  static final class WriteId implements java.util.function.Function<ProductWrite, String> {
    @Override
    public String apply(ProductWrite write) {
      return write.stamp().writeId();
    }
  }
}

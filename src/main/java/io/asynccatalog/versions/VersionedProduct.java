package io.asynccatalog.versions;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A product as the merge of its writes, field by field: each field holds the value of the latest write that set it
 * (by {@link Stamp}), and remembers that write's stamp. So the state is the same whatever order the writes are
 * applied in and however often: it equals the writes applied one after the other in stamp order, because in that
 * order each field also ends with the last write that set it. A replace thus wins over every older patch and loses,
 * field by field, to every newer one; a delete clears every field as of its stamp, so an older write arriving late
 * cannot bring the product back (the cleared fields' stamps are its tombstone), and a newer replace does. A product
 * is visible once its required fields are all set.
 */
public record VersionedProduct(Map<String, Field> fields, Stamp latest) {
  /** The fields a write may set. */
  public static final List<String> FIELDS = List.of("name", "description", "price", "currency", "sku", "category");
  /** The fields without which a product is not shown (a product whose first writes are patches waits for them). */
  public static final Set<String> REQUIRED = Set.of("name", "price", "currency");

  /** A field's value (null: absent) and the stamp of the write that set it. */
  public record Field(String value, Stamp stamp) {}

  /** What applying a write did. */
  public enum Outcome {
    /** It set at least one field. */
    APPLIED,
    /** It had been applied before (a redelivery) and some field still holds it: nothing to do. */
    ALREADY_APPLIED,
    /**
     * Every field it sets was set by a later write: it loses, and is done (a redelivery of a write that later ones
     * have wholly overwritten is one too: its effect is gone either way).
     */
    SUPERSEDED
  }

  /** The new state and what the write did. */
  public record Applied(VersionedProduct product, Outcome outcome) {}

  public VersionedProduct {
    fields = Map.copyOf(fields);
  }

  /** No write yet. */
  public static VersionedProduct none() {
    return new VersionedProduct(Map.of(), null);
  }

  public Applied apply(ProductWrite write) {
    Map<String, Field> next = new HashMap<>(fields);
    boolean changed = false;
    boolean seen = false;
    for (String name : write.touched()) {
      Field current = fields.get(name);
      Stamp set = current == null ? null : current.stamp();
      if (write.stamp().after(set)) {
        next.put(name, new Field(write.valueOf(name), write.stamp()));
        changed = true;
      } else if (write.stamp().equals(set)) {
        seen = true;
      }
    }
    Stamp newest = write.stamp().after(latest) ? write.stamp() : latest;
    Outcome outcome = changed ? Outcome.APPLIED : seen ? Outcome.ALREADY_APPLIED : Outcome.SUPERSEDED;
    return new Applied(changed ? new VersionedProduct(next, newest) : this, outcome);
  }

  /** A field's value, or null when it is absent. */
  public String value(String field) {
    Field f = fields.get(field);
    return f == null ? null : f.value();
  }

  /** Whether it is shown: every required field set (not deleted since, not only patched so far). */
  public boolean visible() {
    return REQUIRED.stream().allMatch(f -> value(f) != null);
  }
}

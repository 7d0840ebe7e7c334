package io.asynccatalog.versions;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One accepted write of a product: a replace (the whole product; a create is the replace of a new id), a merge patch
 * (the fields it names, {@code null} removing one) or a delete (every field gone), with its {@link Stamp}. Values are
 * the fields' canonical text (a price as its decimal string).
 */
public record ProductWrite(Kind kind, Stamp stamp, Map<String, String> values) {

  public enum Kind { REPLACE, PATCH, DELETE }

  public ProductWrite {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(stamp, "stamp");
    values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new HashMap<>(values));
    if (!VersionedProduct.FIELDS.containsAll(values.keySet())) {
      throw new IllegalArgumentException("not product fields: " + values.keySet());
    }
    if (kind == Kind.DELETE && !values.isEmpty()) {
      throw new IllegalArgumentException("a delete carries no values");
    }
    if (kind == Kind.PATCH && values.isEmpty()) {
      throw new IllegalArgumentException("a patch names at least one field");
    }
  }

  /** The fields this write sets: all of them for a replace or a delete, the named ones for a patch. */
  public Collection<String> touched() {
    return kind == Kind.PATCH ? values.keySet() : VersionedProduct.FIELDS;
  }

  /** What it sets {@code field} to: its value, or null (absent) where a replace leaves it out or a delete clears it. */
  public String valueOf(String field) {
    return kind == Kind.DELETE ? null : values.get(field);
  }
}

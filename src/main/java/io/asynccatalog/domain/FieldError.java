package io.asynccatalog.domain;

/**
 * One invalid field of a request: its JSON name (or {@code "body"}) and what is wrong with it; in a bulk request,
 * also the index of the product it belongs to (null otherwise).
 */
public record FieldError(Integer index, String field, String message) {
  public FieldError(String field, String message) {
    this(null, field, message);
  }
}

package io.asynccatalog.domain;

/** One invalid field of a request: its JSON name (or {@code "body"}) and what is wrong with it. */
public record FieldError(String field, String message) {}

package io.asynccatalog;

/** A start-up failure whose message says all an operator needs; it is logged without a stack trace. */
public class StartupException extends RuntimeException {
  public StartupException(String message) {
    super(message);
  }
}

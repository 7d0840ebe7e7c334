package io.asynccatalog.local.dynamodb;

import java.util.List;
import java.util.function.Function;

/** Steps through the tokens of a condition expression or a PartiQL statement, for both of this server's parsers. */
final class TokenCursor {
  private final List<String> tokens;
  private final Function<String, RuntimeException> invalid;
  private int at;

  /** {@code invalid}: the parser's own error for a malformed text, given what is wrong. */
  TokenCursor(List<String> tokens, Function<String, RuntimeException> invalid) {
    this.tokens = tokens;
    this.invalid = invalid;
  }

  String next() {
    if (at >= tokens.size()) {
      throw invalid.apply("unexpected end of text");
    }
    return tokens.get(at++);
  }

  /** The next token without taking it; null at the end. */
  String peek() {
    return at < tokens.size() ? tokens.get(at) : null;
  }

  /** Takes the next token when it is exactly {@code token}. */
  boolean accept(String token) {
    if (token.equals(peek())) {
      at++;
      return true;
    }
    return false;
  }

  /** Takes the next token when it is {@code keyword} in any case. */
  boolean acceptKeyword(String keyword) {
    if (keyword.equalsIgnoreCase(peek())) {
      at++;
      return true;
    }
    return false;
  }

  /** The next token must be exactly {@code token}. */
  void expect(String token) {
    String next = next();
    if (!next.equals(token)) {
      throw invalid.apply("expected '" + token + "', found '" + next + "'");
    }
  }

  /** Nothing may follow: a token left over is an error. */
  void expectEnd() {
    if (at != tokens.size()) {
      throw invalid.apply("unexpected token '" + tokens.get(at) + "'");
    }
  }
}

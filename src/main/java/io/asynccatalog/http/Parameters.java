package io.asynccatalog.http;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import io.asynccatalog.contract.ApiContract;
import io.asynccatalog.domain.FieldError;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Set;

/**
 * Path and query parameters, checked against their schemas in the contract. On a bad value the request is
 * answered with a 400 problem naming the parameter, and the getter returns null.
 */
public final class Parameters {
  private final ApiContract contract;

  public Parameters(ApiContract contract) {
    this.contract = contract;
  }

  /** A string parameter; absent gives {@code fallback}. */
  public String text(RoutingContext ctx, String name, String value, String schemaPointer, String fallback) {
    if (value == null) {
      return fallback;
    }
    Set<ValidationMessage> errors = contract.schema(schemaPointer).validate(TextNode.valueOf(value));
    if (errors.isEmpty()) {
      return value;
    }
    refuse(ctx, name, value.length() > 64 ? value.substring(0, 64) + "..." : value, errors);
    return null;
  }

  /** A whole-number parameter; absent gives the schema's default. */
  public Integer integer(RoutingContext ctx, String name, String schemaPointer) {
    String value = ctx.queryParams().get(name);
    JsonSchema schema = contract.schema(schemaPointer);
    if (value == null) {
      return contract.at(schemaPointer + "/default").asInt();
    }
    int number;
    try {
      number = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      bad(ctx, name, "must be a whole number");
      return null;
    }
    Set<ValidationMessage> errors = schema.validate(IntNode.valueOf(number));
    if (errors.isEmpty()) {
      return number;
    }
    refuse(ctx, name, value, errors);
    return null;
  }

  private static void refuse(RoutingContext ctx, String name, String value, Set<ValidationMessage> errors) {
    String message = errors.iterator().next().getMessage();
    int colon = message.indexOf(": ");
    bad(ctx, name, "'" + value + "' " + (colon >= 0 ? message.substring(colon + 2) : message));
  }

  public static void bad(RoutingContext ctx, String name, String message) {
    Problems.send(ctx, 400, "invalid-parameter", "Invalid parameter", "The parameter '" + name + "' " + message + ".",
        List.of(new FieldError(name, message)));
  }
}

package io.peerwatt.settlement.m2m;

import io.peerwatt.protocol.FormatException;
import java.util.function.Supplier;

/**
 * A gateway's request the hub refuses, changing nothing: what kind of refusal, a stable code (the
 * device API's error code), a message for people and, when one input is to blame, its field.
 */
public final class GatewayRefusal extends RuntimeException {
  /** What the refusal says about the request. */
  public enum Kind {
    /** The request is malformed or asks for what the hub does not accept. */
    INVALID,
    /** What the request names does not exist for this gateway. */
    NOT_FOUND,
    /** The request does not fit the state of the account, channel or chain. */
    CONFLICT
  }

  private final Kind kind;
  private final String code;
  private final String field;

  GatewayRefusal(Kind kind, String code, String message, String field) {
    super(message, null, false, false);
    this.kind = kind;
    this.code = code;
    this.field = field;
  }

  static GatewayRefusal invalid(String code, String message, String field) {
    return new GatewayRefusal(Kind.INVALID, code, message, field);
  }

  static GatewayRefusal notFound(String what) {
    return new GatewayRefusal(Kind.NOT_FOUND, "NOT_FOUND", what + " not found", null);
  }

  static GatewayRefusal conflict(String code, String message, String field) {
    return new GatewayRefusal(Kind.CONFLICT, code, message, field);
  }

  /**
   * What {@code parse} reads from field {@code field}; a malformed one is refused as
   * MALFORMED_FIELD.
   */
  static <T> T parsed(String field, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (FormatException | IllegalArgumentException e) {
      throw invalid("MALFORMED_FIELD", field + ": " + e.getMessage(), field);
    }
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  /** The offending input's name, or null. */
  public String field() {
    return field;
  }
}

package io.peerwatt.trading.matching;

/**
 * Outcome of a command, with a stable numeric code grouped by the stage that decided it (like
 * exchange-core's {@code CommandResultCode}): {@code 100} success, {@code -1xxx} field validation,
 * {@code -2xxx} book state, {@code -3xxx} matching. Each rejection names the request field at fault
 * (the JSON property name the HTTP API uses), so an API can answer "quantityWh: below the minimum".
 */
public enum ResultCode {
  SUCCESS(100, "", "accepted"),

  INVALID_ORDER_ID(-1001, "orderId", "must be positive"),
  INVALID_ACCOUNT_ID(-1002, "accountId", "must be positive"),
  WRONG_ZONE(-1003, "zone", "this book trades another zone"),
  WRONG_SLOT(-1004, "slot", "this book trades another delivery slot"),
  QUANTITY_NOT_POSITIVE(-1005, "quantityWh", "must be positive"),
  QUANTITY_BELOW_MIN(-1006, "quantityWh", "below the zone's minimum order quantity"),
  QUANTITY_ABOVE_MAX(-1007, "quantityWh", "above the zone's maximum order quantity"),
  NEGATIVE_PRICE_NOT_ALLOWED(
      -1008, "limitPricePerKwh", "negative prices are not allowed in this zone"),
  PRICE_BELOW_MIN(-1009, "limitPricePerKwh", "below the zone's minimum price"),
  PRICE_ABOVE_MAX(-1010, "limitPricePerKwh", "above the zone's maximum price"),
  TOO_MANY_PREFERRED_PARTNERS(-1011, "preferredPartners", "at most 16 preferred partner accounts"),
  INVALID_PREFERRED_PARTNER(
      -1012, "preferredPartners", "partners must be other, positive account ids"),
  INVALID_RULE_ID(-1013, "ruleId", "must be positive when present"),

  BOOK_CLOSED(-2001, "slot", "gate closed: the book takes no more commands"),

  UNKNOWN_ORDER_ID(-3001, "orderId", "no such open order in this book"),
  DUPLICATE_ORDER_ID(-3002, "orderId", "an open order already has this id"),
  NOT_ORDER_OWNER(-3003, "accountId", "the order belongs to another account"),
  SELF_TRADE(-3004, "limitPricePerKwh", "would trade with an open order of the same account");

  private final int code;
  private final String field;
  private final String message;

  ResultCode(int code, String field, String message) {
    this.code = code;
    this.field = field;
    this.message = message;
  }

  /** Stable numeric code. */
  public int code() {
    return code;
  }

  /** The request field at fault, empty for {@link #SUCCESS}. */
  public String field() {
    return field;
  }

  /** Short English explanation for API error bodies. */
  public String message() {
    return message;
  }

  /** Whether the command was accepted. */
  public boolean isSuccess() {
    return this == SUCCESS;
  }

  /** The code with this number. @throws IllegalArgumentException for an unknown code */
  public static ResultCode ofCode(int code) {
    for (ResultCode r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown result code " + code);
  }
}

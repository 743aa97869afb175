package io.peerwatt.webui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The exchange rate of a statement: {@code satoshisPerUnit} satoshis per {@code marketUnitsPerUnit}
 * milli-cents, to show satoshi amounts (payments, channels) in the market currency.
 */
public record Rate(long satoshisPerUnit, long marketUnitsPerUnit) {
  /** No rate known: amounts stay in satoshis. */
  public static final Rate NONE = new Rate(0, 0);

  /** The rate of the first statement of an API answer, or {@link #NONE}. */
  public static Rate of(JsonArray statements) {
    if (statements.isEmpty()) {
      return NONE;
    }
    JsonObject rate = statements.getJsonObject(0).getJsonObject("rate", new JsonObject());
    return new Rate(rate.getLong("satoshisPerUnit", 0L), rate.getLong("marketUnitsPerUnit", 0L));
  }

  public boolean known() {
    return satoshisPerUnit > 0;
  }

  /** Satoshis in milli-cents at this rate. */
  public long milliCt(long satoshis) {
    return Format.satsToMilliCt(satoshis, satoshisPerUnit, marketUnitsPerUnit);
  }
}

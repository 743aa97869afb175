package io.peerwatt.settlement.statement;

import io.peerwatt.protocol.statement.ExchangeRate;
import java.time.Instant;
import java.util.Optional;

/**
 * Where settlement gets the market currency's satoshi rate. A live feed implements this too; it is
 * asked once per slot, when the slot is first settled, and the rate is then kept for every later
 * version of that slot's statements.
 */
public interface RateSource {

  /**
   * The rate for {@code currency} valid at {@code at}, or empty when the source has none (the slot
   * then waits and is settled on a later run).
   */
  Optional<ExchangeRate> rate(String currency, Instant at);
}

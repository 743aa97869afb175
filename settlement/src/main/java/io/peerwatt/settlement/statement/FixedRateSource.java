package io.peerwatt.settlement.statement;

import io.peerwatt.protocol.statement.ExchangeRate;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Rates from configuration: a fixed number of satoshis per whole currency unit (e.g. {@code EUR ->
 * 2_500_000} sat per euro). {@code BSV} needs no entry: satoshi markets convert one to one.
 */
public final class FixedRateSource implements RateSource {
  private final Map<String, Long> satoshisPerUnit;

  /**
   * @param satoshisPerUnit currency code to satoshis per whole unit, each positive
   */
  public FixedRateSource(Map<String, Long> satoshisPerUnit) {
    satoshisPerUnit.forEach(
        (currency, sats) -> {
          if (sats == null || sats <= 0) {
            throw new IllegalArgumentException("rate for " + currency + " must be positive");
          }
        });
    this.satoshisPerUnit = new TreeMap<>(satoshisPerUnit);
  }

  @Override
  public Optional<ExchangeRate> rate(String currency, Instant at) {
    if (currency.equals("BSV")) {
      return Optional.of(ExchangeRate.satoshiMarket(at));
    }
    Long sats = satoshisPerUnit.get(currency);
    return sats == null
        ? Optional.empty()
        : Optional.of(ExchangeRate.fiat(currency, sats, "config", at));
  }
}

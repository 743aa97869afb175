package io.peerwatt.protocol.statement;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/**
 * The rate a statement converts its market amounts to satoshis with, recorded in the statement.
 *
 * <p>Conversion rule (the only one): {@code sat = amount * satoshisPerUnit / marketUnitsPerUnit},
 * rounded half to even ({@link Rounding#divideHalfEven}), applied line by line; totals are the sums
 * of the converted lines, so a statement's satoshi total is exactly what its lines say.
 *
 * @param currency ISO 4217 code, or {@code BSV}
 * @param satoshisPerUnit satoshis for one whole unit of the currency (1 for BSV amounts in satoshi)
 * @param marketUnitsPerUnit market amount units in one whole unit: 100000 milli-cent per euro for
 *     fiat zones, 1 for BSV zones whose amounts already are satoshis
 * @param source where the rate came from, e.g. {@code config} or a feed's name (1 to 64 characters)
 * @param asOf when the rate was valid
 */
public record ExchangeRate(
    String currency, long satoshisPerUnit, long marketUnitsPerUnit, String source, Instant asOf) {

  /** Milli-cent in one whole unit of a fiat currency. */
  public static final long MILLI_CENT_PER_UNIT = 100_000L;

  public ExchangeRate {
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(asOf, "asOf");
    if (satoshisPerUnit <= 0 || marketUnitsPerUnit <= 0) {
      throw new IllegalArgumentException("rate terms must be positive");
    }
    if (source.isEmpty() || source.length() > 64) {
      throw new IllegalArgumentException("rate source must be 1 to 64 characters");
    }
  }

  /**
   * A fiat rate: {@code satoshisPerUnit} satoshis for one euro (dollar, ...), amounts in
   * milli-cent.
   */
  public static ExchangeRate fiat(
      String currency, long satoshisPerUnit, String source, Instant asOf) {
    return new ExchangeRate(currency, satoshisPerUnit, MILLI_CENT_PER_UNIT, source, asOf);
  }

  /** Markets priced in satoshis need no rate: amounts already are satoshis. */
  public static ExchangeRate satoshiMarket(Instant asOf) {
    return new ExchangeRate("BSV", 1, 1, "satoshi-market", asOf);
  }

  /** {@code amount} (market units) in satoshis, rounded half to even. */
  public long toSatoshis(long amount) {
    return Rounding.divideHalfEven(
        BigInteger.valueOf(amount).multiply(BigInteger.valueOf(satoshisPerUnit)),
        BigInteger.valueOf(marketUnitsPerUnit));
  }
}

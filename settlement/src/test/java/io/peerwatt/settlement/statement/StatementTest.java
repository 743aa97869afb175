package io.peerwatt.settlement.statement;

import static io.peerwatt.settlement.allocation.Readings.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.statement.ExchangeRate;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.SlotMetering;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.protocol.statement.StatementJson;
import io.peerwatt.protocol.statement.StatementLine;
import io.peerwatt.settlement.allocation.AccountAllocation;
import io.peerwatt.settlement.allocation.Allocation;
import io.peerwatt.settlement.allocation.AllocationResult;
import io.peerwatt.settlement.allocation.SlotTerms;
import io.peerwatt.settlement.allocation.TradeFill;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatementTest {
  static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
  static final SlotTerms TERMS =
      new SlotTerms("DE-TEST-1", SLOT, "EUR", PriceUnit.MILLI_CT_PER_KWH, 40_000);
  static final ExchangeRate RATE =
      ExchangeRate.fiat("EUR", 2_500_000, "config", Instant.parse("2026-11-25T10:20:00Z"));

  /** Seller 1 (device 11), buyer 2 (device 22), two trades. */
  static List<Statement> statements(List<TradeFill> trades) {
    Instant s = SLOT.start();
    Instant e = SLOT.end();
    SlotMetering m = new SlotMetering(Duration.ofMinutes(5));
    Map<Long, MeteredEnergy> metered =
        Map.of(
            1L,
                m.account(
                    List.of(
                        new MeterSeries(
                            11,
                            0,
                            List.of(
                                reading(11, 5, s.minusSeconds(30), 0, 10_000),
                                reading(11, 6, s.plusSeconds(30), 0, 10_033),
                                reading(11, 7, e, 0, 10_700)))),
                    s,
                    e),
            2L,
                m.account(
                    List.of(
                        new MeterSeries(
                            22,
                            0,
                            List.of(reading(22, 1, s, 5_000, 0), reading(22, 2, e, 5_640, 0)))),
                    s,
                    e));
    AllocationResult r = Allocation.allocate(TERMS, trades, metered);
    List<Statement> out = new ArrayList<>();
    for (AccountAllocation a : r.accounts()) {
      out.add(Statements.of(TERMS, a, RATE, 1, Statement.NO_PREVIOUS));
    }
    return out;
  }

  static final List<TradeFill> TRADES =
      List.of(
          new TradeFill(41, 2, 1, 400, 21_333, 4_000), new TradeFill(42, 2, 1, 300, 22_000, 4_000));

  @Test
  void linesCarryBothAmountsAndTheRate() {
    Statement buyer = statements(TRADES).get(1);
    // 400 Wh * 21.333 ct = 8533.2 milli-cent -> 8533; at 2.5M sat/EUR: 8533 * 2_500_000 / 100_000 =
    // 213325 sat
    assertThat(buyer.lines().get(0))
        .isEqualTo(new StatementLine(LineKind.ENERGY_PURCHASE, 41, 400, 21_333, -8_533, -213_325));
    assertThat(buyer.rate()).isEqualTo(RATE);
    assertThat(buyer.importWh()).isEqualTo(640);
    assertThat(buyer.readings()).extracting(r -> r.sequence()).containsExactly(1L, 2L);
    assertThat(buyer.totalSat())
        .isEqualTo(buyer.lines().stream().mapToLong(StatementLine::amountSat).sum());
  }

  @Test
  void sameInputsGiveTheSameBytesAndHashWhateverTheInputOrder() {
    List<TradeFill> reversed = new ArrayList<>(TRADES);
    Collections.reverse(reversed);
    List<Statement> a = statements(TRADES);
    List<Statement> b = statements(reversed);
    for (int i = 0; i < a.size(); i++) {
      assertThat(StatementCodec.encode(a.get(i))).isEqualTo(StatementCodec.encode(b.get(i)));
      assertThat(StatementCodec.hashHex(a.get(i))).isEqualTo(StatementCodec.hashHex(b.get(i)));
    }
    assertThat(StatementCodec.hashHex(a.get(0))).isNotEqualTo(StatementCodec.hashHex(a.get(1)));
  }

  /**
   * Pins format 1: a change here breaks every anchored statement hash and needs a new format
   * number.
   */
  @Test
  void theCanonicalEncodingIsFrozen() {
    Statement buyer = statements(TRADES).get(1);
    assertThat(StatementCodec.encode(buyer)).hasSize(GOLDEN_LENGTH);
    assertThat(StatementCodec.hashHex(buyer)).isEqualTo(GOLDEN_HASH);
  }

  static final int GOLDEN_LENGTH = 480;
  // reproduced independently from the format description (Python, hashlib + struct)
  static final String GOLDEN_HASH =
      "51ffae0d6ed63f4076ce8b27089a75570baa4863081ec5e661ce5ebb97bac2ea";

  @Test
  void encodingRoundTripsAndEveryFieldReachesTheHash() {
    Statement s = statements(TRADES).get(0);
    assertThat(StatementCodec.decode(StatementCodec.encode(s))).isEqualTo(s);
    Statement v2 = s.asVersion(2, StatementCodec.hashHex(s));
    assertThat(StatementCodec.decode(StatementCodec.encode(v2))).isEqualTo(v2);
    assertThat(StatementCodec.hashHex(v2)).isNotEqualTo(StatementCodec.hashHex(s));
    assertThat(v2.sameContentAs(s)).isTrue();
    Statement otherRate =
        Statements.of(
            TERMS,
            Allocation.allocate(TERMS, TRADES, Map.of()).accounts().get(0),
            ExchangeRate.fiat("EUR", 2_500_001, "config", RATE.asOf()),
            1,
            Statement.NO_PREVIOUS);
    Statement sameRate =
        Statements.of(
            TERMS,
            Allocation.allocate(TERMS, TRADES, Map.of()).accounts().get(0),
            RATE,
            1,
            Statement.NO_PREVIOUS);
    assertThat(StatementCodec.hashHex(otherRate)).isNotEqualTo(StatementCodec.hashHex(sameRate));
  }

  @Test
  void theJsonFormCarriesTheCanonicalBytesAndRefusesADisagreeingView() {
    Statement s = statements(TRADES).get(1).asVersion(2, "ab".repeat(32));
    String json = StatementJson.write(s);
    assertThat(StatementJson.read(json)).isEqualTo(s);
    assertThat(json)
        .contains(
            "\"kind\":\"ENERGY_PURCHASE\"",
            "\"slot\":\"2026-11-25T10:00Z/PT15M\"",
            "\"hash\":\"" + StatementCodec.hashHex(s) + "\"");
    assertThatThrownBy(
            () ->
                StatementJson.read(json.replace("\"totalSat\":" + s.totalSat(), "\"totalSat\":1")))
        .isInstanceOf(IllegalArgumentException.class);
    String otherHash = json.replace(StatementCodec.hashHex(s), "00".repeat(32));
    assertThatThrownBy(() -> StatementJson.read(otherHash))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void satoshiMarketsConvertOneToOne() {
    SlotTerms bsv = new SlotTerms("BSV-ZONE", SLOT, "BSV", PriceUnit.SAT_PER_KWH, 900);
    AllocationResult r =
        Allocation.allocate(bsv, List.of(new TradeFill(1, 2, 1, 1_500, 700, 100)), Map.of());
    Statement buyer =
        Statements.of(
            bsv,
            r.accounts().get(1),
            ExchangeRate.satoshiMarket(RATE.asOf()),
            1,
            Statement.NO_PREVIOUS);
    assertThat(buyer.totalAmount()).isEqualTo(-1_050 - 150);
    assertThat(buyer.totalSat()).isEqualTo(buyer.totalAmount());
  }

  @Test
  void theRateRulesAreHalfEvenAndConfigured() {
    ExchangeRate r = ExchangeRate.fiat("EUR", 3, "config", RATE.asOf());
    assertThat(r.toSatoshis(50_000)).isEqualTo(2); // 1.5 sat -> 2
    assertThat(r.toSatoshis(150_000)).isEqualTo(4); // 4.5 sat -> 4
    assertThat(r.toSatoshis(-50_000)).isEqualTo(-2);
    FixedRateSource source = new FixedRateSource(Map.of("EUR", 2_500_000L));
    assertThat(source.rate("EUR", RATE.asOf())).contains(RATE);
    assertThat(source.rate("USD", RATE.asOf())).isEmpty();
    assertThat(source.rate("BSV", RATE.asOf()).orElseThrow().satoshisPerUnit()).isEqualTo(1);
    assertThatThrownBy(() -> new FixedRateSource(Map.of("EUR", 0L)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void totalsMustMatchTheLines() {
    Statement s = statements(TRADES).get(1);
    assertThatThrownBy(
            () ->
                new Statement(
                    s.accountId(),
                    s.zoneCode(),
                    s.slot(),
                    1,
                    Statement.NO_PREVIOUS,
                    s.currency(),
                    s.priceUnit(),
                    s.rate(),
                    s.boughtWh(),
                    s.soldWh(),
                    s.deliveredWh(),
                    s.importWh(),
                    s.exportWh(),
                    false,
                    false,
                    s.lines(),
                    s.totalAmount() + 1,
                    s.totalSat(),
                    s.readings()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

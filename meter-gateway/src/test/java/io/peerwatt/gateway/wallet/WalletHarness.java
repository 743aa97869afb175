package io.peerwatt.gateway.wallet;

import io.peerwatt.gateway.DeviceIdentity;
import io.peerwatt.gateway.Gateway;
import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.gateway.journal.JournalEntry;
import io.peerwatt.gateway.platform.PlatformClient;
import io.peerwatt.gateway.platform.PlatformHttp;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.statement.AcceptedReading;
import io.peerwatt.protocol.statement.ExchangeRate;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.Rounding;
import io.peerwatt.protocol.statement.SlotMetering;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementLine;
import io.peerwatt.protocol.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A gateway's wallet against a {@link FakeHub}: a data dir with a real journal (meter channel 0)
 * whose readings are signed by the device key and recorded in the {@link ReadingLedger} as {@link
 * Gateway#tick()} does (journal first), and a {@link PaymentAgent} built the way {@link Gateway}
 * builds it. {@link #restart()} drops the agent and everything it held in memory and loads a new
 * one from the same data dir, as a gateway does after a crash.
 */
final class WalletHarness implements AutoCloseable {
  static final long DEVICE_ID = 7;
  static final long ACCOUNT_ID = 42;
  static final int CHANNEL = 0;

  /** 2,000,000 sat per euro; statement amounts are milli-cent. */
  static final ExchangeRate RATE =
      ExchangeRate.fiat("EUR", 2_000_000, "config", Instant.parse("2026-11-25T09:00:00Z"));

  /** 25 ct/kWh traded, 40 ct/kWh imbalance. */
  static final long PRICE = 25_000;

  static final long IMBALANCE = 40_000;

  final Path dataDir;
  final MutableClock clock;
  final PrivateKey deviceKey = PrivateKey.generate(new SecureRandom());
  final WalletConfig config;
  final FakeHub hub;
  private final Journal journal;
  private ReadingLedger ledger;
  private PaymentAgent agent;

  /**
   * Every reading signed so far, as settlement sees it (the platform has them from the uploads).
   */
  private final List<AcceptedReading> uploaded = new ArrayList<>();

  WalletHarness(Path dataDir, WalletConfig config, Instant start) throws IOException {
    this.dataDir = dataDir;
    this.config = config;
    this.clock = new MutableClock(start);
    this.journal =
        Journal.open(dataDir.resolve("journal").resolve("channel-" + CHANNEL), 1 << 20, 1 << 14);
    this.hub = new FakeHub(deviceKey.publicKey(), DEVICE_ID, ACCOUNT_ID, clock, dataDir);
    restart();
  }

  /**
   * A wallet paying up to {@code capSatsPerDay}, with 2,000,000 sat channels and the devnet faucet.
   */
  static WalletConfig config(long capSatsPerDay) {
    return new WalletConfig(capSatsPerDay, 2_000_000, true, Duration.ofSeconds(30), 14);
  }

  /** Forgets everything in memory and loads a new agent (and ledger) from the data dir. */
  PaymentAgent restart() throws IOException {
    ledger = ReadingLedger.open(dataDir, Map.of(CHANNEL, journal), config.readingRetentionDays());
    agent =
        new PaymentAgent(
            DeviceIdentity.channelKey(dataDir),
            new PlatformClient(
                hub.uri(),
                deviceKey,
                new PlatformHttp(Duration.ofSeconds(10)),
                clock,
                Duration.ofSeconds(10)),
            WalletState.load(dataDir.resolve(WalletConfig.DIR)),
            ledger,
            config,
            clock,
            dataDir.resolve(WalletConfig.DIR));
    return agent;
  }

  PaymentAgent agent() {
    return agent;
  }

  /**
   * One wallet round, a wallet interval after the previous one (as the gateway's wallet thread runs
   * them).
   */
  void step() {
    clock.advance(config.interval());
    agent.step();
  }

  /** The error the last round ended with, or null. */
  Object lastError() {
    return agent.status().get("lastError");
  }

  /** The wallet as it is on disk. */
  WalletState state() throws IOException {
    return WalletState.load(dataDir.resolve(WalletConfig.DIR));
  }

  PrivateKey channelKey() throws IOException {
    return DeviceIdentity.channelKey(dataDir);
  }

  /** The gateway's open buyer -> hub channel (funding broadcast), as on disk. */
  WalletState.Payer openPayer() throws IOException {
    return state().openPayer().orElseThrow();
  }

  // ---- readings ----

  /**
   * The meter is read at {@code at}: a signed, chained reading is journaled, then recorded in the
   * ledger.
   */
  SignedReading read(Instant at, long importWh, long exportWh) throws IOException {
    long seq = journal.nextSequence();
    MeterReading r =
        new MeterReading(
            1,
            deviceKey.publicKey(),
            CHANNEL,
            seq,
            at,
            importWh,
            exportWh,
            400,
            230_000,
            Set.of(),
            journal.lastHash());
    SignedReading s = SignedReading.sign(r, deviceKey);
    journal.append(
        new JournalEntry(seq, at, at.toEpochMilli() % 900_000 == 0, s.hash(), s.encode()));
    ledger.record(CHANNEL, s);
    uploaded.add(AcceptedReading.of(DEVICE_ID, CHANNEL, seq, at, importWh, exportWh, s.hash()));
    return s;
  }

  /**
   * Readings every 5 minutes from 10 minutes before {@code slot} to 10 minutes after it, the import
   * counter growing {@code whPer5Min} each time from {@code startImportWh}: the slot imports {@code
   * 3 * whPer5Min}.
   */
  void readAround(DeliverySlot slot, long startImportWh, long whPer5Min) throws IOException {
    long importWh = startImportWh;
    for (Instant t = slot.start().minus(Duration.ofMinutes(10));
        !t.isAfter(slot.end().plus(Duration.ofMinutes(10)));
        t = t.plus(Duration.ofMinutes(5))) {
      read(t, importWh, 0);
      importWh += whPer5Min;
    }
  }

  /** The slot's energy as the platform meters it from the uploaded readings. */
  MeteredEnergy metered(DeliverySlot slot) {
    return new SlotMetering(Duration.ofMinutes(5))
        .account(List.of(new MeterSeries(DEVICE_ID, CHANNEL, uploaded)), slot.start(), slot.end());
  }

  // ---- statements ----

  /** The honest statement of a buyer that bought {@code boughtWh} in {@code slot}. */
  Statement honestStatement(DeliverySlot slot, long boughtWh) {
    MeteredEnergy m = metered(slot);
    return buyerStatement(slot, boughtWh, m, m.importWh());
  }

  /**
   * A buyer statement as the settlement rules compute it (purchase at {@link #PRICE}, the
   * difference to the import at {@link #IMBALANCE}), for a metered import of {@code
   * claimedImportWh} and citing the readings {@code metered} used.
   */
  static Statement buyerStatement(
      DeliverySlot slot, long boughtWh, MeteredEnergy metered, long claimedImportWh) {
    List<StatementLine> lines = new ArrayList<>();
    lines.add(line(LineKind.ENERGY_PURCHASE, 41, boughtWh, PRICE));
    if (claimedImportWh < boughtWh) {
      lines.add(line(LineKind.BUYER_UNDER_IMPORT, 0, boughtWh - claimedImportWh, IMBALANCE));
    } else if (claimedImportWh > boughtWh) {
      lines.add(line(LineKind.BUYER_EXCESS_IMPORT, 0, claimedImportWh - boughtWh, IMBALANCE));
    }
    long amount = lines.stream().mapToLong(StatementLine::amount).sum();
    long sat = lines.stream().mapToLong(StatementLine::amountSat).sum();
    return new Statement(
        ACCOUNT_ID,
        "DE-TEST-1",
        slot,
        1,
        Statement.NO_PREVIOUS,
        "EUR",
        PriceUnit.MILLI_CT_PER_KWH,
        RATE,
        boughtWh,
        0,
        0,
        claimedImportWh,
        metered.exportWh(),
        metered.estimated(),
        metered.missing(),
        lines,
        amount,
        sat,
        metered.readingsUsed());
  }

  private static StatementLine line(LineKind kind, long tradeId, long wh, long price) {
    long amount = kind.sign() * Rounding.energyAmount(wh, price);
    return new StatementLine(kind, tradeId, wh, price, amount, RATE.toSatoshis(amount));
  }

  /** What paying {@code s} costs (its debit, positive). */
  static long debit(Statement s) {
    return -s.totalSat();
  }

  /** The wallet's coins as outpoints and values, to compare with {@link FakeChain#unspentTo}. */
  static Map<FakeChain.Outpoint, Long> coinsOf(WalletState state) {
    Map<FakeChain.Outpoint, Long> out = new java.util.LinkedHashMap<>();
    for (io.peerwatt.protocol.bsv.P2pkhSpend.Coin c : state.coins) {
      out.put(
          new FakeChain.Outpoint(
              io.peerwatt.protocol.bsv.Transaction.txidToHex(c.txid()), c.index()),
          c.satoshis());
    }
    return out;
  }

  /** The chain's unspent outputs paying the wallet. */
  Map<FakeChain.Outpoint, Long> chainCoins() {
    return hub.chain.unspentTo(hub.registeredPayoutScript());
  }

  @Override
  public void close() throws IOException {
    hub.close();
    journal.close();
  }
}

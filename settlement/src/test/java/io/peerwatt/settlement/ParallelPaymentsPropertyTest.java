package io.peerwatt.settlement;

import static io.peerwatt.settlement.allocation.Readings.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.allocation.SlotTerms;
import io.peerwatt.settlement.allocation.TradeFill;
import io.peerwatt.settlement.chain.DevnetControl.FaucetPayment;
import io.peerwatt.settlement.channel.HubChannels;
import io.peerwatt.settlement.channel.InMemoryChannelStore;
import io.peerwatt.settlement.channel.PayeeKeeper;
import io.peerwatt.settlement.channel.PayerKeeper;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.statement.FixedRateSource;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.InMemoryTransactionLog;
import io.peerwatt.settlement.wallet.InMemoryWalletStore;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the number of payment lanes, several slots settled and paid in one pass (so that an
 * account has several payments in flight over the same channel while other accounts are paid at
 * once) add up: every payment is paid once, each channel's newest commitment gives its payee
 * exactly the sum of the account's payments on both sides, and an account's payments advance its
 * channel in the order of its slots.
 */
class ParallelPaymentsPropertyTest {
  static final DeliverySlot FIRST = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");

  static PrivateKey key(int n) {
    byte[] b = new byte[32];
    byte[] v = BigInteger.valueOf(9_000 + n).toByteArray();
    System.arraycopy(v, 0, b, 32 - v.length, v.length);
    return PrivateKey.fromBytes(b);
  }

  static long seller(int i) {
    return 100 + i;
  }

  static long buyer(int i) {
    return 200 + i;
  }

  static DeliverySlot slot(int s) {
    return DeliverySlot.startingAt(FIRST.start().plus(DeliverySlot.LENGTH.multipliedBy(s)));
  }

  @Property(tries = 25)
  void paymentsInParallelLanesAddUpInSlotOrder(
      @ForAll @IntRange(min = 1, max = 3) int slots,
      @ForAll @IntRange(min = 1, max = 8) int laneThreads,
      @ForAll @Size(min = 1, max = 10) List<@LongRange(min = 100, max = 2_000) Long> quantities,
      @ForAll @Size(min = 30, max = 30) List<@LongRange(min = 0, max = 500) Long> extraWh) {
    int pairs = quantities.size();
    DeliverySlot last = slot(slots - 1);
    Clock clock = Clock.fixed(last.end().plusSeconds(600), ZoneOffset.UTC);
    DevnetBackend devnet = DevnetBackend.inMemory(clock, DevnetBackend.DEFAULT_POLICY);
    PrivateKey hubKey = key(1);
    PrivateKey custodialKey = key(2);
    HubWallet hubWallet = funded(devnet, hubKey, pairs);
    HubWallet custodialWallet = funded(devnet, custodialKey, pairs);
    InMemoryChannelStore store = new InMemoryChannelStore();
    HubChannels hub =
        new HubChannels(hubKey, hubWallet, store, devnet, new InMemoryTransactionLog());
    PayerKeeper custodialPayer = new PayerKeeper(custodialKey, custodialWallet, store, devnet);
    PayeeKeeper custodialPayee = new PayeeKeeper(custodialKey, store);
    RegistryRoutes routes =
        new RegistryRoutes(
            store,
            store,
            custodialPayer,
            account -> custodialPayee,
            (payment, target) -> PaymentOutcome.pending("no gateways here"));
    long expiry = devnet.tip().height() + 500;
    byte[] custodialScript = Script.p2pkh(custodialKey.publicKey().hash160()).bytes();
    for (int i = 0; i < pairs; i++) {
      assertThat(
              hub.sellers()
                  .open(
                      "hub-to-" + seller(i),
                      ChannelDirection.HUB_TO_SELLER,
                      Long.toString(seller(i)),
                      custodialKey.publicKey(),
                      custodialScript,
                      2_000_000,
                      expiry,
                      1_900_000,
                      custodialPayee)
                  .isOk())
          .isTrue();
      assertThat(
              custodialPayer
                  .open(
                      buyer(i) + "-to-hub",
                      ChannelDirection.BUYER_TO_HUB,
                      Long.toString(buyer(i)),
                      hub.hubKey(),
                      hub.hubPayeeScript(),
                      2_000_000,
                      expiry,
                      1_900_000,
                      hub.buyers())
                  .isOk())
          .isTrue();
    }

    FakeInputs inputs = new FakeInputs();
    for (int i = 0; i < pairs; i++) {
      long sellerDevice = 1_000 + seller(i);
      long buyerDevice = 1_000 + buyer(i);
      inputs.devices.put(seller(i), List.of(sellerDevice));
      inputs.devices.put(buyer(i), List.of(buyerDevice));
      long exported = 5_000;
      long imported = 300;
      inputs.add(reading(sellerDevice, 1, FIRST.start(), 0, exported));
      inputs.add(reading(buyerDevice, 1, FIRST.start(), imported, 0));
      for (int s = 0; s < slots; s++) {
        SlotKey key = new SlotKey("DE-PROP-1", slot(s));
        inputs.terms.put(
            key, new SlotTerms("DE-PROP-1", slot(s), "EUR", PriceUnit.MILLI_CT_PER_KWH, 40_000));
        long quantity = quantities.get(i) + 50L * s;
        inputs
            .trades
            .computeIfAbsent(key, k -> new ArrayList<>())
            .add(new TradeFill(s * 100 + i + 1, buyer(i), seller(i), quantity, 22_000, 5_000));
        exported += quantity + extraWh.get((i * 3 + s) % extraWh.size());
        imported += quantity + extraWh.get((i * 3 + s + 1) % extraWh.size());
        inputs.add(reading(sellerDevice, s + 2, slot(s).end(), 0, exported));
        inputs.add(reading(buyerDevice, s + 2, slot(s).end(), imported, 0));
      }
    }

    InMemoryStatementStore statements = new InMemoryStatementStore();
    ExecutorService lanes = Executors.newFixedThreadPool(laneThreads);
    try {
      SettlementService service =
          new SettlementService(
              inputs,
              statements,
              new FixedRateSource(Map.of("EUR", 250_000L)),
              ChannelPaymentPort.forHub(hub, routes),
              new SettlementPolicy(
                  Duration.ofMinutes(5), Duration.ofHours(2), Map.of(), Duration.ofMinutes(5)),
              lanes,
              List.of());
      service.settleDueSlots(clock.instant());
    } finally {
      lanes.shutdownNow();
    }

    assertThat(statements.pendingPayments(1_000)).isEmpty();
    for (int i = 0; i < pairs; i++) {
      long owedToSeller = paidInOrder(statements, slots, seller(i));
      long owedByBuyer = -paidInOrder(statements, slots, buyer(i));
      assertThat(owedToSeller).isPositive();
      assertThat(owedByBuyer).isPositive();
      String sellerChannel = "hub-to-" + seller(i);
      assertThat(custodialPayee.channel(sellerChannel).orElseThrow().payeeAmountSats())
          .isEqualTo(owedToSeller);
      assertThat(hub.sellers().channel(sellerChannel).orElseThrow().payeeAmountSats())
          .isEqualTo(owedToSeller);
      String buyerChannel = buyer(i) + "-to-hub";
      assertThat(hub.buyerChannel(buyerChannel).orElseThrow().payeeAmountSats())
          .isEqualTo(owedByBuyer);
      assertThat(custodialPayer.channel(buyerChannel).orElseThrow().payeeAmountSats())
          .isEqualTo(owedByBuyer);
    }
  }

  /**
   * The account's payments over all slots, each paid once, each advancing the channel's payee
   * amount by its own amount in slot order; returns their sum (positive: the account is paid).
   */
  private static long paidInOrder(InMemoryStatementStore statements, int slots, long account) {
    List<PaymentRecord> records = new ArrayList<>();
    for (int s = 0; s < slots; s++) {
      records.addAll(statements.payments(account, new SlotKey("DE-PROP-1", slot(s))));
    }
    long sum = 0;
    for (PaymentRecord r : records) {
      assertThat(r.outcome().status()).isEqualTo(PaymentStatus.PAID);
      sum += r.payment().amountSat();
      assertThat(statements.target(r.payment().id()).orElseThrow().payeeAmountSats())
          .isEqualTo(Math.abs(sum));
    }
    return sum;
  }

  static HubWallet funded(DevnetBackend devnet, PrivateKey k, int channels) {
    HubWallet w = new HubWallet(k, devnet, new InMemoryWalletStore(), new InMemoryTransactionLog());
    for (int i = 0; i < channels; i++) {
      FaucetPayment pay = devnet.faucet(w.lockingScript(), 3_000_000);
      w.receive(Transaction.parse(pay.rawTx()), false, List.of(), "faucet");
    }
    return w;
  }
}

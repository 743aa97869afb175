package io.peerwatt.settlement;

import static io.peerwatt.settlement.allocation.Readings.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.allocation.SlotTerms;
import io.peerwatt.settlement.allocation.TradeFill;
import io.peerwatt.settlement.chain.DevnetControl.FaucetPayment;
import io.peerwatt.settlement.channel.ChannelStore;
import io.peerwatt.settlement.channel.GroupCommitChannelStore;
import io.peerwatt.settlement.channel.HubChannels;
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
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Payments of one slot to and from many custodial prosumers, made at once through the group-commit
 * channel store as the platform makes them, with the process dying in the middle of the pass (every
 * channel save fails from some point on, whatever was in flight) and a new process taking over on
 * the same database: every prosumer ends paid exactly what its statement says, never twice, and
 * both sides of every channel agree.
 */
@ExtendWith(PostgresExtension.class)
class ParallelPaymentsCrashTest {
  static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
  static final SlotKey KEY = new SlotKey("DE-PAR-1", SLOT);
  static final Clock CLOCK = Clock.fixed(SLOT.end().plusSeconds(600), ZoneOffset.UTC);
  static final int PAIRS = 16;

  final DevnetBackend devnet = DevnetBackend.inMemory(CLOCK, DevnetBackend.DEFAULT_POLICY);
  final PrivateKey hubKey = key(1);
  final PrivateKey custodialKey = key(2);
  final HubWallet hubWallet = fundedWallet(hubKey);
  final HubWallet custodialWallet = fundedWallet(custodialKey);

  static PrivateKey key(int n) {
    byte[] b = new byte[32];
    byte[] v = BigInteger.valueOf(7_000 + n).toByteArray();
    System.arraycopy(v, 0, b, 32 - v.length, v.length);
    return PrivateKey.fromBytes(b);
  }

  HubWallet fundedWallet(PrivateKey k) {
    HubWallet w = new HubWallet(k, devnet, new InMemoryWalletStore(), new InMemoryTransactionLog());
    for (int i = 0; i < PAIRS; i++) {
      FaucetPayment pay = devnet.faucet(w.lockingScript(), 3_000_000);
      w.receive(Transaction.parse(pay.rawTx()), false, List.of(), "faucet");
    }
    return w;
  }

  static long seller(int i) {
    return 100 + i;
  }

  static long buyer(int i) {
    return 200 + i;
  }

  /** One platform process: the hub and the custodial store over {@code store}. */
  final class Process {
    final HubChannels hub;
    final PayerKeeper custodialPayer;
    final PayeeKeeper custodialPayee;
    final RegistryRoutes routes;

    Process(ChannelStore store) {
      hub = new HubChannels(hubKey, hubWallet, store, devnet, new InMemoryTransactionLog());
      custodialPayer = new PayerKeeper(custodialKey, custodialWallet, store, devnet);
      custodialPayee = new PayeeKeeper(custodialKey, store);
      routes =
          new RegistryRoutes(
              store,
              store,
              custodialPayer,
              account -> custodialPayee,
              (payment, target) -> PaymentOutcome.pending("no gateways here"));
    }

    SettlementService service(
        InMemoryStatementStore statements, FakeInputs inputs, ExecutorService lanes) {
      return new SettlementService(
          inputs,
          statements,
          new FixedRateSource(Map.of("EUR", 2_500_000L)),
          ChannelPaymentPort.forHub(hub, routes),
          new SettlementPolicy(
              Duration.ofMinutes(5), Duration.ofHours(2), Map.of(), Duration.ofMinutes(5)),
          lanes,
          List.of());
    }

    void openChannels() {
      long expiry = devnet.tip().height() + 500;
      byte[] custodialScript = Script.p2pkh(custodialKey.publicKey().hash160()).bytes();
      for (int i = 0; i < PAIRS; i++) {
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
    }
  }

  /** The channel store of a process that dies after {@code savesLeft} more saves. */
  static final class DyingStore implements ChannelStore {
    final ChannelStore store;
    final AtomicInteger savesLeft = new AtomicInteger(Integer.MAX_VALUE);

    DyingStore(ChannelStore store) {
      this.store = store;
    }

    private void live() {
      if (savesLeft.getAndDecrement() <= 0) {
        throw new IllegalStateException("the process died");
      }
    }

    @Override
    public void savePayer(PayerChannel channel) {
      live();
      store.savePayer(channel);
    }

    @Override
    public void savePayee(PayeeChannel channel) {
      live();
      store.savePayee(channel);
    }

    @Override
    public void savePayerProposal(PayerChannel proposed, byte[] fundingRawTx) {
      live();
      store.savePayerProposal(proposed, fundingRawTx);
    }

    @Override
    public void recordClosing(String channelId, boolean payerSide, byte[] closingTxid) {
      store.recordClosing(channelId, payerSide, closingTxid);
    }

    @Override
    public Optional<byte[]> proposedFunding(String channelId) {
      return store.proposedFunding(channelId);
    }

    @Override
    public Optional<PayerChannel> payer(String channelId) {
      return store.payer(channelId);
    }

    @Override
    public Optional<PayeeChannel> payee(String channelId) {
      return store.payee(channelId);
    }

    @Override
    public List<PayerChannel> payerChannels(ChannelState state) {
      return store.payerChannels(state);
    }

    @Override
    public List<PayeeChannel> payeeChannels(ChannelState state) {
      return store.payeeChannels(state);
    }

    @Override
    public List<PayerChannel> payerChannelsWith(String counterparty) {
      return store.payerChannelsWith(counterparty);
    }

    @Override
    public List<PayeeChannel> payeeChannelsWith(String counterparty) {
      return store.payeeChannelsWith(counterparty);
    }
  }

  static FakeInputs market() {
    FakeInputs in = new FakeInputs();
    in.terms.put(KEY, new SlotTerms("DE-PAR-1", SLOT, "EUR", PriceUnit.MILLI_CT_PER_KWH, 40_000));
    List<TradeFill> trades = new ArrayList<>();
    for (int i = 0; i < PAIRS; i++) {
      trades.add(new TradeFill(i + 1, buyer(i), seller(i), 500 + 10L * i, 22_000, 5_000));
      long sellerDevice = 1_000 + seller(i);
      long buyerDevice = 1_000 + buyer(i);
      in.devices.put(seller(i), List.of(sellerDevice));
      in.devices.put(buyer(i), List.of(buyerDevice));
      in.add(reading(sellerDevice, 1, SLOT.start(), 0, 5_000));
      in.add(reading(sellerDevice, 2, SLOT.end(), 0, 5_600 + 10L * i));
      in.add(reading(buyerDevice, 1, SLOT.start(), 300, 0));
      in.add(reading(buyerDevice, 2, SLOT.end(), 900 + 10L * i, 0));
    }
    in.trades.put(KEY, trades);
    return in;
  }

  @Test
  void aCrashMidPassRepeatsNothingAndLosesNothing(DSLContext db) {
    InMemoryStatementStore statements = new InMemoryStatementStore();
    FakeInputs inputs = market();
    ExecutorService lanes = Executors.newFixedThreadPool(8);
    try {
      // the first process opens the channels, settles the slot and dies while paying
      GroupCommitChannelStore firstStore = new GroupCommitChannelStore(db);
      DyingStore dying = new DyingStore(firstStore);
      Process first = new Process(dying);
      first.openChannels();
      dying.savesLeft.set(PAIRS + 3);
      SettlementService firstService = first.service(statements, inputs, lanes);
      firstService.settleDueSlots(CLOCK.instant());
      firstStore.close();
      List<PaymentRecord> all = new ArrayList<>();
      for (int i = 0; i < PAIRS; i++) {
        all.addAll(statements.payments(seller(i), KEY));
        all.addAll(statements.payments(buyer(i), KEY));
      }
      assertThat(all).hasSize(2 * PAIRS);
      assertThat(all).anyMatch(r -> r.outcome().status() == PaymentStatus.PAID);
      assertThat(all).anyMatch(r -> r.outcome().status() == PaymentStatus.PENDING);

      // a new process on the same database pays what is left
      try (GroupCommitChannelStore store = new GroupCommitChannelStore(db)) {
        Process second = new Process(store);
        SettlementService secondService = second.service(statements, inputs, lanes);
        secondService.dispatchPayments(CLOCK.instant());
        for (int i = 0; i < PAIRS; i++) {
          long owedToSeller = owed(statements, seller(i));
          long owedByBuyer = -owed(statements, buyer(i));
          assertThat(owedToSeller).isPositive();
          assertThat(owedByBuyer).isPositive();
          PayeeChannel sellerSide =
              second.custodialPayee.channel("hub-to-" + seller(i)).orElseThrow();
          PayerChannel hubSide = second.hub.sellers().channel("hub-to-" + seller(i)).orElseThrow();
          assertThat(sellerSide.payeeAmountSats()).isEqualTo(owedToSeller);
          assertThat(hubSide.payeeAmountSats()).isEqualTo(owedToSeller);
          PayeeChannel hubReceived = second.hub.buyerChannel(buyer(i) + "-to-hub").orElseThrow();
          PayerChannel buyerSide =
              second.custodialPayer.channel(buyer(i) + "-to-hub").orElseThrow();
          assertThat(hubReceived.payeeAmountSats()).isEqualTo(owedByBuyer);
          assertThat(buyerSide.payeeAmountSats()).isEqualTo(owedByBuyer);
        }
        assertThat(statements.pendingPayments(100)).isEmpty();
      }
    } finally {
      lanes.shutdownNow();
    }
  }

  /** What the account's statements of the slot add up to, in satoshis (positive: it is paid). */
  private static long owed(InMemoryStatementStore statements, long account) {
    return statements.payments(account, KEY).stream().mapToLong(r -> r.payment().amountSat()).sum();
  }
}

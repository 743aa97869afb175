package io.peerwatt.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelRejection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.ChannelPaymentPort.Custodial;
import io.peerwatt.settlement.ChannelPaymentPort.Gateway;
import io.peerwatt.settlement.ChannelPaymentPort.PayeeRoute;
import io.peerwatt.settlement.chain.DevnetControl.FaucetPayment;
import io.peerwatt.settlement.channel.HubChannels;
import io.peerwatt.settlement.channel.InMemoryChannelStore;
import io.peerwatt.settlement.channel.PayeeEndpoint;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Settlement payments over real channels on the in-memory devnet: hub -> seller and buyer -> hub.
 */
class ChannelPaymentPortTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
  static final long SELLER = SettlementServiceTest.SELLER;
  static final long BUYER = SettlementServiceTest.BUYER;
  final DevnetBackend devnet = DevnetBackend.inMemory(CLOCK, DevnetBackend.DEFAULT_POLICY);
  final PrivateKey hubKey = key(1);
  final PrivateKey sellerKey = key(2);
  final PrivateKey buyerKey = key(3);
  final InMemoryChannelStore hubStore = new InMemoryChannelStore();
  final InMemoryChannelStore custodialStore = new InMemoryChannelStore();
  HubChannels hub;
  PayeeKeeper sellerSide;
  PayerKeeper buyerSide;
  final FakeInputs inputs = new FakeInputs();
  final InMemoryStatementStore store = new InMemoryStatementStore();

  static PrivateKey key(int n) {
    byte[] b = new byte[32];
    byte[] v = BigInteger.valueOf(9_000 + n).toByteArray();
    System.arraycopy(v, 0, b, 32 - v.length, v.length);
    return PrivateKey.fromBytes(b);
  }

  HubWallet fundedWallet(PrivateKey k) {
    HubWallet w = new HubWallet(k, devnet, new InMemoryWalletStore(), new InMemoryTransactionLog());
    FaucetPayment pay = devnet.faucet(w.lockingScript(), 5_000_000);
    w.receive(Transaction.parse(pay.rawTx()), false, List.of(), "faucet");
    return w;
  }

  @BeforeEach
  void channels() {
    hub =
        new HubChannels(
            hubKey, fundedWallet(hubKey), hubStore, devnet, new InMemoryTransactionLog());
    sellerSide = new PayeeKeeper(sellerKey, new InMemoryChannelStore());
    long expiry = devnet.tip().height() + 500;
    byte[] sellerScript = Script.p2pkh(sellerKey.publicKey().hash160()).bytes();
    assertThat(
            hub.sellers()
                .open(
                    "hub-to-1",
                    ChannelDirection.HUB_TO_SELLER,
                    "1",
                    sellerKey.publicKey(),
                    sellerScript,
                    2_000_000,
                    expiry,
                    1_900_000,
                    sellerSide)
                .isOk())
        .isTrue();
    buyerSide = new PayerKeeper(buyerKey, fundedWallet(buyerKey), custodialStore, devnet);
    assertThat(
            buyerSide
                .open(
                    "2-to-hub",
                    ChannelDirection.BUYER_TO_HUB,
                    "2",
                    hub.hubKey(),
                    hub.hubPayeeScript(),
                    2_000_000,
                    expiry,
                    1_900_000,
                    hub.buyers())
                .isOk())
        .isTrue();
    new SettlementServiceTest().market(inputs);
    SettlementServiceTest.sellerReadings().forEach(inputs::add);
    SettlementServiceTest.buyerReadings().forEach(inputs::add);
  }

  SettlementService service(PaymentPort port) {
    return new SettlementService(
        inputs,
        store,
        new FixedRateSource(Map.of("EUR", 2_500_000L)),
        port,
        SettlementPolicy.defaults());
  }

  ChannelPaymentPort.Routes routes(
      PayeeEndpoint sellerEndpoint, ChannelPaymentPort.BuyerRoute buyerRoute) {
    return new ChannelPaymentPort.Routes() {
      @Override
      public Optional<PayeeRoute> hubToProsumer(long accountId) {
        return accountId == SELLER
            ? Optional.of(new PayeeRoute("hub-to-1", sellerEndpoint))
            : Optional.empty();
      }

      @Override
      public Optional<ChannelPaymentPort.BuyerRoute> prosumerToHub(long accountId) {
        return accountId == BUYER ? Optional.of(buyerRoute) : Optional.empty();
      }
    };
  }

  long sellerReceived() {
    return sellerSide.channel("hub-to-1").orElseThrow().payeeAmountSats();
  }

  long hubReceivedFromBuyer() {
    return hub.buyerChannel("2-to-hub").orElseThrow().payeeAmountSats();
  }

  @Test
  void paysTheSellerFromTheHubAndTheCustodialBuyerToTheHub() {
    ChannelPaymentPort port =
        ChannelPaymentPort.forHub(hub, routes(sellerSide, new Custodial("2-to-hub", buyerSide)));
    service(port).settleDueSlots(SettlementServiceTest.SLOT_END.plus(Duration.ofMinutes(5)));
    long sellerTotal = store.latestStatements(SettlementServiceTest.KEY).get(SELLER).totalSat();
    long buyerTotal = store.latestStatements(SettlementServiceTest.KEY).get(BUYER).totalSat();
    assertThat(sellerTotal).isPositive();
    assertThat(buyerTotal).isNegative();
    assertThat(sellerReceived()).isEqualTo(sellerTotal);
    assertThat(hubReceivedFromBuyer()).isEqualTo(-buyerTotal);
    assertThat(store.pendingPayments(10)).isEmpty();
  }

  @Test
  void routesComeFromTheChannelRegistry() {
    ChannelPaymentPort.GatewayLink unused =
        (payment, target) -> PaymentOutcome.pending("no gateway");
    RegistryRoutes routes =
        new RegistryRoutes(hubStore, custodialStore, buyerSide, account -> sellerSide, unused);
    assertThat(routes.hubToProsumer(SELLER)).map(PayeeRoute::channelId).contains("hub-to-1");
    assertThat(routes.hubToProsumer(BUYER)).isEmpty();
    assertThat(routes.prosumerToHub(BUYER)).containsInstanceOf(Custodial.class);
    assertThat(routes.prosumerToHub(SELLER)).isEmpty();
    assertThat(
            new RegistryRoutes(
                    hubStore, new InMemoryChannelStore(), buyerSide, account -> sellerSide, unused)
                .prosumerToHub(BUYER))
        .containsInstanceOf(Gateway.class);
    service(ChannelPaymentPort.forHub(hub, routes))
        .settleDueSlots(SettlementServiceTest.SLOT_END.plus(Duration.ofMinutes(5)));
    assertThat(sellerReceived())
        .isEqualTo(store.latestStatements(SettlementServiceTest.KEY).get(SELLER).totalSat());
    assertThat(hubReceivedFromBuyer())
        .isEqualTo(-store.latestStatements(SettlementServiceTest.KEY).get(BUYER).totalSat());
  }

  @Test
  void aLostAcknowledgementIsRedeliveredNeverPaidTwice() {
    PayeeEndpoint flaky =
        new PayeeEndpoint() {
          int deliveries;

          @Override
          public ChannelResult<byte[]> openAndSignRefund(
              ChannelTerms terms, Transaction funding, Transaction refund) {
            return sellerSide.openAndSignRefund(terms, funding, refund);
          }

          @Override
          public ChannelResult<Long> deliver(CommitmentUpdate update) {
            ChannelResult<Long> result = sellerSide.deliver(update);
            // the first acknowledgement is lost on the way back
            return deliveries++ == 0
                ? ChannelResult.rejected(ChannelRejection.PAYEE_UNREACHABLE, "timeout")
                : result;
          }
        };
    ChannelPaymentPort port =
        ChannelPaymentPort.forHub(hub, routes(flaky, new Custodial("2-to-hub", buyerSide)));
    SettlementService service = service(port);
    service.settleDueSlots(SettlementServiceTest.SLOT_END.plus(Duration.ofMinutes(5)));
    long sellerTotal = store.latestStatements(SettlementServiceTest.KEY).get(SELLER).totalSat();
    assertThat(store.payments(SELLER, SettlementServiceTest.KEY).get(0).outcome().status())
        .isEqualTo(PaymentStatus.PENDING);
    assertThat(service.dispatchPayments(SettlementServiceTest.SLOT_END.plus(Duration.ofMinutes(6))))
        .isEqualTo(1);
    assertThat(store.payments(SELLER, SettlementServiceTest.KEY).get(0).outcome().status())
        .isEqualTo(PaymentStatus.PAID);
    assertThat(sellerReceived()).isEqualTo(sellerTotal);
    assertThat(hub.sellers().channel("hub-to-1").orElseThrow().payeeAmountSats())
        .isEqualTo(sellerTotal);
  }

  @Test
  void aGatewayBuyerPaysThroughItsLinkAndARefusalIsKept() {
    ChannelPaymentPort.GatewayLink refusing =
        (payment, target) -> PaymentOutcome.refused(607, "over the cap");
    ChannelPaymentPort port =
        ChannelPaymentPort.forHub(hub, routes(sellerSide, new Gateway("2-to-hub", refusing)));
    service(port).settleDueSlots(SettlementServiceTest.SLOT_END.plus(Duration.ofMinutes(5)));
    assertThat(store.payments(BUYER, SettlementServiceTest.KEY).get(0).outcome())
        .isEqualTo(PaymentOutcome.refused(607, "over the cap"));
    assertThat(hubReceivedFromBuyer()).isZero();

    ChannelPaymentPort.GatewayLink signing =
        (payment, target) -> {
          long current = hubReceivedFromBuyer();
          return buyerSide
                  .pay(target.channelId(), target.payeeAmountSats() - current, hub.buyers())
                  .isOk()
              ? PaymentOutcome.paid()
              : PaymentOutcome.pending("gateway busy");
        };
    InMemoryStatementStore fresh = new InMemoryStatementStore();
    new SettlementService(
            inputs,
            fresh,
            new FixedRateSource(Map.of("EUR", 2_500_000L)),
            ChannelPaymentPort.forHub(hub, routes(sellerSide, new Gateway("2-to-hub", signing))),
            SettlementPolicy.defaults())
        .settleDueSlots(SettlementServiceTest.SLOT_END.plus(Duration.ofMinutes(5)));
    long buyerTotal = fresh.latestStatements(SettlementServiceTest.KEY).get(BUYER).totalSat();
    assertThat(hubReceivedFromBuyer()).isEqualTo(-buyerTotal);
    assertThat(fresh.payments(BUYER, SettlementServiceTest.KEY).get(0).outcome().status())
        .isEqualTo(PaymentStatus.PAID);
  }
}

package io.peerwatt.settlement;

import static io.peerwatt.settlement.JdbcSettlementTest.KEY;
import static io.peerwatt.settlement.JdbcSettlementTest.SLOT;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.http.DeviceRequests.DeviceCaller;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.P2pkhSpend;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelJson;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.statement.AcceptedReading;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.settlement.api.GatewayJson;
import io.peerwatt.settlement.chain.DevnetControl;
import io.peerwatt.settlement.channel.HubChannels;
import io.peerwatt.settlement.channel.JdbcChannelStore;
import io.peerwatt.settlement.channel.PayeeKeeper;
import io.peerwatt.settlement.channel.PayerKeeper;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.m2m.GatewayChannels;
import io.peerwatt.settlement.statement.FixedRateSource;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.InMemoryTransactionLog;
import io.peerwatt.settlement.wallet.InMemoryWalletStore;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hub of machine-to-machine payments on the real schema (the market of {@link
 * JdbcSettlementTest}: one seller, one buyer, one trade) and a devnet, with both prosumers'
 * gateways played by the protocol's own state machines as {@code PaymentAgent} plays them. One
 * database per test class.
 */
@ExtendWith(PostgresExtension.class)
abstract class GatewayHubFixture {
  static final Instant SETTLE_AT = SLOT.end().plus(Duration.ofMinutes(6));
  private static final FeePolicy POLICY = new FeePolicy(50, 100);
  private final Clock clock = Clock.fixed(SETTLE_AT, ZoneOffset.UTC);
  final PrivateKey sellerKey = key("seller gateway");
  final PrivateKey buyerKey = key("buyer gateway");
  final byte[] sellerScript = Script.p2pkh(sellerKey.publicKey().hash160()).bytes();
  final byte[] buyerScript = Script.p2pkh(buyerKey.publicKey().hash160()).bytes();
  DSLContext db;
  DevnetBackend devnet;
  HubChannels hub;
  GatewayChannels gateways;
  SettlementService service;
  JdbcStatementStore statements;
  DeviceCaller seller;
  DeviceCaller buyer;

  private static PrivateKey key(String seed) {
    return PrivateKey.fromBytes(Hashes.sha256(seed.getBytes(StandardCharsets.US_ASCII)));
  }

  @BeforeEach
  void market(DSLContext dsl) {
    db = dsl;
    JdbcSettlementTest.market(db);
    // the seller's meter exported what it sold (the shared market leaves it short, so it would owe)
    MarketRows.reading(
        db, JdbcSettlementTest.sellerDevice, 3, SLOT.end().plusSeconds(30), 0, 11_000);
    devnet = DevnetBackend.inMemory(clock, POLICY);
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    HubWallet hubWallet = new HubWallet(key("hub wallet"), devnet, new InMemoryWalletStore(), log);
    DevnetControl.FaucetPayment coins = devnet.faucet(hubWallet.lockingScript(), 500_000_000);
    hubWallet.receive(Transaction.parse(coins.rawTx()), false, List.of(), "faucet");
    JdbcChannelStore store = new JdbcChannelStore(db);
    hub = new HubChannels(key("hub channels"), hubWallet, store, devnet, log);
    gateways =
        new GatewayChannels(
            db,
            hub,
            store,
            devnet,
            devnet,
            log,
            clock,
            new GatewayChannels.Terms(10_000_000, 2_000, 6));
    PayerKeeper noCustodialPayer = new PayerKeeper(key("custodial"), hubWallet, store, devnet);
    PayeeKeeper noCustodialPayee = new PayeeKeeper(key("custodial"), store);
    RegistryRoutes routes =
        new RegistryRoutes(
            store,
            store,
            noCustodialPayer,
            account -> noCustodialPayee,
            gateways.link(),
            gateways::gatewayKey,
            gateways.sellerGateways());
    statements = new JdbcStatementStore(db);
    service =
        new SettlementService(
            new JdbcSettlementInputs(db, Duration.ofHours(6)),
            statements,
            new FixedRateSource(Map.of("EUR", 2_500_000L)),
            ChannelPaymentPort.forHub(hub, routes),
            SettlementPolicy.defaults());
    seller =
        new DeviceCaller(
            JdbcSettlementTest.sellerDevice,
            JdbcSettlementTest.seller,
            JdbcSettlementTest.ZONE_CODE,
            0,
            sellerKey.publicKey());
    buyer =
        new DeviceCaller(
            JdbcSettlementTest.buyerDevice,
            JdbcSettlementTest.buyer,
            JdbcSettlementTest.ZONE_CODE,
            0,
            buyerKey.publicKey());
  }

  /**
   * The buyer's gateway opens and funds its channel as {@code PaymentAgent} does; returns its open
   * side.
   */
  PayerChannel openBuyerChannel(String id) {
    JsonObject info = GatewayJson.info(gateways.info(buyer));
    DevnetControl.FaucetPayment coins = devnet.faucet(buyerScript, 30_000_000);
    P2pkhSpend.Coin coin =
        new P2pkhSpend.Coin(
            Transaction.txidFromHex(coins.txid()), coins.outputIndex(), coins.satoshis(), false);
    PublicKey hubKey = PublicKey.fromHex(info.getString("hubKey"));
    byte[] hubScript = StrictHex.decode(info.getString("hubScript"), "hubScript");
    P2pkhSpend.Spend funding =
        P2pkhSpend.build(
            buyerKey,
            List.of(coin),
            List.of(
                new TxOutput(20_000_000, ChannelTerms.fundingScript(buyerKey.publicKey(), hubKey))),
            POLICY);
    ChannelTerms terms =
        new ChannelTerms(
            id,
            ChannelDirection.BUYER_TO_HUB,
            Long.toString(buyer.accountId()),
            buyerKey.publicKey(),
            hubKey,
            buyerScript,
            hubScript,
            20_000_000,
            ChannelTerms.commitmentFeeSats(POLICY, buyerScript, hubScript),
            POLICY.dustLimitSats(),
            devnet.tip().height() + 100,
            funding.transaction().txid(),
            0);
    JsonObject answer =
        GatewayJson.accepted(
            gateways.openBuyerChannel(
                buyer,
                ChannelJson.terms(terms),
                StrictHex.encode(funding.transaction().serialize())));
    PayerChannel open =
        PayerChannel.propose(terms, 20_000_000)
            .acceptRefundSignature(StrictHex.decode(answer.getString("refundSignature"), "sig"))
            .orThrow();
    // asking again (a lost answer) gets the same signature
    assertThat(
            GatewayJson.accepted(
                    gateways.openBuyerChannel(
                        buyer,
                        ChannelJson.terms(terms),
                        StrictHex.encode(funding.transaction().serialize())))
                .getString("refundSignature"))
        .isEqualTo(answer.getString("refundSignature"));
    assertThat(
            gateways
                .broadcastBuyerFunding(
                    buyer, id, StrictHex.encode(funding.transaction().serialize()))
                .outcome()
                .name())
        .isEqualTo("ACCEPTED");
    return open;
  }

  /** The seller's gateway signs the refund of the hub's proposal; returns its payee side. */
  PayeeChannel acceptSellerChannel() {
    assertThat(gateways.sellerChannels().propose())
        .as("only the account owed a payment")
        .hasSize(1);
    assertThat(gateways.sellerChannels().propose()).as("one proposal at a time").isEmpty();
    JsonObject item =
        GatewayJson.channels(gateways.channels(seller)).getJsonArray("channels").getJsonObject(0);
    assertThat(item.getString("state")).isEqualTo("proposed");
    ChannelTerms terms =
        ChannelJson.readTerms(Json.parseObject(item.getJsonObject("terms").encode()));
    assertThat(terms.payeeKey()).isEqualTo(sellerKey.publicKey());
    PayeeChannel proposed = PayeeChannel.accept(terms);
    assertThat(proposed.checkFunding(Transaction.parseHex(item.getString("fundingTx"))).isOk())
        .isTrue();
    PayeeChannel.RefundSignature refund =
        proposed.signRefund(terms.refundTransaction(), sellerKey).orThrow();
    assertThat(
            GatewayJson.opened(
                    gateways.answerProposal(
                        seller, terms.channelId(), StrictHex.encode(refund.signature())))
                .getString("state"))
        .isEqualTo("open");
    return refund.channel();
  }

  List<MeterSeries> buyersOwnReadings() {
    long device = JdbcSettlementTest.buyerDevice;
    return List.of(
        new MeterSeries(
            device,
            0,
            List.of(
                AcceptedReading.of(
                    device,
                    0,
                    1,
                    SLOT.start(),
                    2_000,
                    0,
                    Hashes.sha256((device + "/1").getBytes(StandardCharsets.UTF_8))),
                AcceptedReading.of(
                    device,
                    0,
                    2,
                    SLOT.end(),
                    2_820,
                    0,
                    Hashes.sha256((device + "/2").getBytes(StandardCharsets.UTF_8))))));
  }

  PaymentRecord only(long account) {
    List<PaymentRecord> payments = statements.payments(account, KEY);
    assertThat(payments).hasSize(1);
    return payments.get(0);
  }
}

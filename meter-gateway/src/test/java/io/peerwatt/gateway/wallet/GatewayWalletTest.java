package io.peerwatt.gateway.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.gateway.DeviceIdentity;
import io.peerwatt.gateway.Gateway;
import io.peerwatt.gateway.GatewayConfig;
import io.peerwatt.gateway.journal.JournalEntry;
import io.peerwatt.gateway.metering.MapChoice;
import io.peerwatt.gateway.metering.MeterConfig;
import io.peerwatt.gateway.metering.MeterSimulator;
import io.peerwatt.gateway.metering.MeterUri;
import io.peerwatt.gateway.metering.Meters;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.bsv.Interpreter;
import io.peerwatt.protocol.bsv.ScriptFlags;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.statement.AcceptedReading;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.SlotMetering;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.protocol.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machine-to-machine wallet end to end, as {@link Gateway} wires it: the meter (the simulator
 * over Modbus TCP) is read by {@link Gateway#tick()}, which records each signed reading in the
 * wallet's ledger; {@link Gateway#walletStep()} runs the wallet against a hub over a real socket.
 * The hub builds its statements from the readings the gateway journaled (what the platform gets by
 * upload).
 */
class GatewayWalletTest {
  private static final Instant START = Instant.parse("2026-11-25T09:58:30Z");
  private static final DeliverySlot SLOT_1 = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
  private static final DeliverySlot SLOT_2 = DeliverySlot.parse("2026-11-25T10:15Z/PT15M");

  @TempDir Path dataDir;
  private final MutableClock clock = new MutableClock(START);
  private final PrivateKey deviceKey = PrivateKey.generate(new SecureRandom());
  private MeterSimulator grid;
  private FakeHub hub;
  private Gateway gateway;

  @AfterAll
  static void release() {
    Meters.releaseSharedResources();
  }

  @BeforeEach
  void start() throws IOException {
    grid = new MeterSimulator(MeterSimulator.Model.SDM630, 1, 11, 1, clock, START, 0, 5_000_000, 0);
    grid.start(0);
    hub =
        new FakeHub(
            deviceKey.publicKey(),
            WalletHarness.DEVICE_ID,
            WalletHarness.ACCOUNT_ID,
            clock,
            dataDir);
    gateway = Gateway.open(config(), deviceKey, clock, () -> true);
  }

  @AfterEach
  void stop() {
    gateway.close();
    grid.stop();
    hub.close();
  }

  private GatewayConfig config() {
    return new GatewayConfig(
        dataDir,
        Optional.of(hub.uri()),
        Duration.ofSeconds(60),
        Duration.ofSeconds(1),
        100,
        1 << 20,
        1 << 14,
        false,
        List.of(
            new MeterConfig(
                "grid",
                0,
                MeterUri.parse("tcp://127.0.0.1:" + grid.port()),
                1,
                MapChoice.AUTO,
                Duration.ofSeconds(10),
                Duration.ofMillis(300),
                0)),
        Optional.of(new WalletConfig(1_000_000, 2_000_000, true, Duration.ofSeconds(30), 14)),
        Optional.empty(),
        Optional.empty());
  }

  private void runUntil(Instant end) throws IOException {
    while (clock.instant().isBefore(end)) {
      Instant next = gateway.tick();
      clock.set(next.isAfter(end) ? end : next);
    }
    gateway.tick();
  }

  /** A wallet round, half a minute after the last (the meter keeps being read meanwhile). */
  /** One wallet round half a minute on; returns whether it said work is under way. */
  private boolean walletRound() throws IOException {
    runUntil(clock.instant().plus(Duration.ofSeconds(30)));
    return gateway.walletStep();
  }

  /** The slot's energy as the platform meters it from the readings the gateway uploaded. */
  private MeteredEnergy metered(DeliverySlot slot) throws IOException {
    List<AcceptedReading> uploaded = new ArrayList<>();
    for (JournalEntry e : gateway.journals().get(0).all()) {
      SignedReading s = SignedReading.decode(e.signedReading());
      uploaded.add(
          AcceptedReading.of(
              WalletHarness.DEVICE_ID,
              0,
              s.reading().sequence(),
              s.reading().takenAt(),
              s.reading().importWh(),
              s.reading().exportWh(),
              s.hash()));
    }
    return new SlotMetering(Duration.ofMinutes(5))
        .account(
            List.of(new MeterSeries(WalletHarness.DEVICE_ID, 0, uploaded)),
            slot.start(),
            slot.end());
  }

  private WalletState walletOnDisk() throws IOException {
    return WalletState.load(dataDir.resolve("wallet"));
  }

  @Test
  void registersOpensTakesTheHubsChannelAndPaysExactlyTheTargetTheHubVerifies() throws Exception {
    runUntil(Instant.parse("2026-11-25T10:16:00Z"));

    // round 1: register, take coins from the devnet faucet, open and fund the buyer channel
    assertThat(gateway.walletStep())
        .as("a round that changed something asks for the next one soon")
        .isTrue();
    PrivateKey channelKey = DeviceIdentity.channelKey(dataDir);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve("wallet/channel.key"))))
        .isEqualTo("rw-------");
    assertThat(channelKey.publicKey()).isNotEqualTo(deviceKey.publicKey());
    assertThat(hub.registeredChannelKey()).isEqualTo(channelKey.publicKey());
    assertThat(hub.received())
        .extracting(FakeHub.Received::route)
        .containsSubsequence("wallet.get", "wallet.put", "faucet", "channels.open", "funding");
    assertThat(hub.buyers()).hasSize(1);
    String buyerChannel = hub.buyers().keySet().iterator().next();
    assertThat(hub.storedFirst())
        .contains("funding " + buyerChannel + ": refund signature on disk");
    assertThat(hub.buyer(buyerChannel).fundingBroadcast).isTrue();
    WalletState.Payer payer = walletOnDisk().openPayer().orElseThrow();
    assertThat(payer.channel().channelId()).isEqualTo(buyerChannel);
    assertThat(payer.channel().refundPayeeSignature())
        .isEqualTo(hub.buyer(buyerChannel).refundSignature);
    assertThat(payer.channel().terms().capacitySats()).isEqualTo(2_000_000);
    assertThat(WalletHarness.coinsOf(walletOnDisk()))
        .isEqualTo(hub.chain.unspentTo(hub.registeredPayoutScript()));

    // round 2: the hub proposes its channel; the gateway checks the funding and signs the refund
    String sellerChannel = hub.proposeSellerChannel(1_000_000);
    walletRound();
    assertThat(hub.seller(sellerChannel).channel.state()).isEqualTo(ChannelState.OPEN);
    assertThat(hub.chain.isAccepted(hub.seller(sellerChannel).fundingTx.txidHex())).isTrue();
    assertThat(hub.storedFirst())
        .contains("refund-signature " + sellerChannel + ": channel on disk");

    // round 3: the hub pays the gateway as a seller twice; it stores and acknowledges the newest
    hub.paySeller(sellerChannel, 25_000);
    hub.paySeller(sellerChannel, 12_500);
    assertThat(walletRound()).isTrue();
    assertThat(hub.seller(sellerChannel).ackedSequence).isEqualTo(2);
    int requestsBefore = hub.received().size();
    assertThat(walletRound()).as("nothing to do: the next round waits a whole interval").isFalse();
    assertThat(hub.received().subList(requestsBefore, hub.received().size()))
        .extracting(FakeHub.Received::method)
        .containsOnly("GET");
    assertThat(walletOnDisk().payees.get(sellerChannel).channel().payeeAmountSats())
        .isEqualTo(37_500);
    assertThat(hub.storedFirst()).contains("acks " + sellerChannel + " #2: on disk");

    // round 4: a debit for slot 1, computed by the hub from the uploaded readings
    MeteredEnergy slot1 = metered(SLOT_1);
    assertThat(slot1.missing()).isFalse();
    assertThat(slot1.importWh()).as("the simulated home imports in the slot").isPositive();
    long bought = slot1.importWh() * 2 / 3;
    Statement v1 = WalletHarness.buyerStatement(SLOT_1, bought, slot1, slot1.importWh());
    FakeHub.Payment first = hub.requestPayment(List.of(v1));
    assertThat(first.targetPayeeSats).isEqualTo(WalletHarness.debit(v1)).isPositive();
    walletRound();

    List<CommitmentUpdate> paid = hub.sentCommitments(first.id);
    assertThat(paid).hasSize(1);
    assertThat(paid.get(0).sequence()).isEqualTo(1);
    assertThat(paid.get(0).payeeAmountSats()).isEqualTo(first.targetPayeeSats);
    assertThat(hub.buyer(buyerChannel).channel.payeeAmountSats())
        .as("PayeeChannel.receive took it")
        .isEqualTo(first.targetPayeeSats);
    assertThat(hub.storedFirst()).contains("commitments " + buyerChannel + " #1: on disk");
    assertHubCanClose(buyerChannel, first.targetPayeeSats);

    // round 5: slot 2, and slot 1 settled again (it bought less, so more of its import is excess at
    // the
    // imbalance price): the gateway pays exactly the difference
    runUntil(Instant.parse("2026-11-25T10:31:00Z"));
    MeteredEnergy slot2 = metered(SLOT_2);
    Statement s2 =
        WalletHarness.buyerStatement(SLOT_2, slot2.importWh() / 2, slot2, slot2.importWh());
    FakeHub.Payment second = hub.requestPayment(List.of(s2));
    Statement v2 =
        WalletHarness.buyerStatement(SLOT_1, slot1.importWh() / 3, slot1, slot1.importWh())
            .asVersion(2, StatementCodec.hashHex(v1));
    FakeHub.Payment third = hub.requestPayment(List.of(v1, v2));
    assertThat(third.amountSat).isEqualTo(v2.totalSat() - v1.totalSat()).isNegative();
    walletRound();

    assertThat(hub.sentCommitments(second.id))
        .singleElement()
        .satisfies(c -> assertThat(c.payeeAmountSats()).isEqualTo(second.targetPayeeSats));
    assertThat(hub.sentCommitments(third.id))
        .singleElement()
        .satisfies(c -> assertThat(c.sequence()).isEqualTo(3))
        .satisfies(c -> assertThat(c.payeeAmountSats()).isEqualTo(third.targetPayeeSats));
    long total =
        WalletHarness.debit(v1) + WalletHarness.debit(s2) + (v1.totalSat() - v2.totalSat());
    assertThat(hub.buyer(buyerChannel).channel.payeeAmountSats()).isEqualTo(total);
    assertHubCanClose(buyerChannel, total);
    hub.dispatch();
    assertThat(List.of(first, second, third))
        .allSatisfy(p -> assertThat(hub.payment(p.id).paid).isTrue());
    assertThat(walletOnDisk().statements.get(WalletState.slotKey(v2))).isEqualTo(v2);

    // the gateway's status shows the wallet
    gateway.writeStatus();
    Map<String, Object> status =
        Json.object(Json.parseObject(Files.readString(dataDir.resolve("status.json"))), "wallet");
    assertThat(status.get("lastError")).isEqualTo(Json.NULL);
    assertThat(Json.integer(status, "paymentsSigned")).isEqualTo(3);
    assertThat(Json.integer(status, "spentTodaySats")).isEqualTo(total);
    assertThat(Json.array(status, "channels")).hasSize(2);

    // a gateway opened anew from the data dir has nothing left to send
    int requests = hub.received("commitments").size() + hub.received("acks").size();
    gateway.close();
    gateway = Gateway.open(config(), deviceKey, clock, () -> true);
    walletRound();
    assertThat(hub.received("commitments").size() + hub.received("acks").size())
        .isEqualTo(requests);
    assertThat(hub.received("channels.open")).hasSize(1);

    assertThat(hub.violations()).isEmpty();
    assertThat(hub.authFailures()).isEmpty();
    // and the hub does check: a request replayed byte for byte is refused
    assertThat(hub.replayLast()).isEqualTo(409);
    assertThat(hub.authFailures()).singleElement().asString().contains("REPLAYED_REQUEST");
  }

  /**
   * The hub holds a commitment it can close with: both signatures valid against the funding output.
   */
  private void assertHubCanClose(String buyerChannel, long payeeSats) {
    var channel = hub.buyer(buyerChannel).channel;
    Transaction closing = channel.closingTransaction(hub.hubKey).orThrow();
    ChannelTerms t = channel.terms();
    assertThat(
            Interpreter.verifyInput(
                    closing,
                    0,
                    new TxOutput(t.capacitySats(), t.fundingScript()),
                    ScriptFlags.POST_GENESIS_STANDARD)
                .ok())
        .isTrue();
    assertThat(closing.outputs().get(0)).isEqualTo(new TxOutput(payeeSats, hub.hubScript));
    assertThat(hub.chain.check(closing)).as("mineable").isEmpty();
  }
}

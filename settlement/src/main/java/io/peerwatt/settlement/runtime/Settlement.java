package io.peerwatt.settlement.runtime;

import io.peerwatt.protocol.keys.Network;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.settlement.AuditExport;
import io.peerwatt.settlement.ChannelPaymentPort;
import io.peerwatt.settlement.JdbcSettlementInputs;
import io.peerwatt.settlement.JdbcStatementStore;
import io.peerwatt.settlement.RegistryRoutes;
import io.peerwatt.settlement.SettlementPolicy;
import io.peerwatt.settlement.SettlementService;
import io.peerwatt.settlement.anchor.AnchoringService;
import io.peerwatt.settlement.anchor.JdbcAnchorSource;
import io.peerwatt.settlement.anchor.JdbcAnchorStore;
import io.peerwatt.settlement.anchor.ProofBundles;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.channel.GroupCommitChannelStore;
import io.peerwatt.settlement.channel.HubChannels;
import io.peerwatt.settlement.channel.PayeeKeeper;
import io.peerwatt.settlement.channel.PayerKeeper;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.flex.FlexDeliveries;
import io.peerwatt.settlement.flex.FlexibilityLines;
import io.peerwatt.settlement.m2m.GatewayChannels;
import io.peerwatt.settlement.share.DataCharges;
import io.peerwatt.settlement.statement.FixedRateSource;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.JdbcTransactionLog;
import io.peerwatt.settlement.wallet.JdbcWalletStore;
import io.peerwatt.settlement.wallet.KeyVault;
import io.peerwatt.settlement.wallet.TransactionWatcher;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;

/**
 * The platform's settlement, wired over one database and one chain: the hub wallet and the
 * custodial store (the platform's side for prosumers without a gateway wallet), the hub's channels,
 * the gateways' side of machine-to-machine payments, the settlement service, anchoring with its
 * proof bundles, and the transaction watcher. {@link SettlementPass} does the work; the API's
 * resources use the parts.
 *
 * <p>Channel state goes through one {@link GroupCommitChannelStore}: the pass pays different
 * prosumers at once ({@value #PAYMENT_LANES} lanes), and their saves, each durable before the
 * commitment is sent or acknowledged, share disk flushes.
 */
public final class Settlement implements AutoCloseable {
  /**
   * Vault label of the key the custodial store pays and receives with for prosumers without a
   * wallet.
   */
  public static final String CUSTODIAL_KEY_LABEL = "custodial-prosumers";

  /** Channel lifetime in blocks. */
  static final long CHANNEL_LIFETIME_BLOCKS = 2_000;

  /** The hub closes channels this many blocks before their expiry. */
  static final long CLOSE_MARGIN_BLOCKS = 6;

  /** Prosumers paid at once by a pass. */
  static final int PAYMENT_LANES = 32;

  /** How far back anchoring looks for work at the first pass after a start. */
  private static final Duration ANCHOR_LOOKBACK = Duration.ofDays(2);

  /** How far back the settlement inputs read readings around a slot. */
  private static final Duration READING_LOOKBACK = FlexDeliveries.READING_LOOKBACK;

  final ChainBackend chain;

  /** The embedded devnet when that is the backend: faucet and mining; null for node and arc. */
  final DevnetBackend devnet;

  final HubWallet hubWallet;
  final HubWallet custodialWallet;
  final HubChannels hub;
  final PayerKeeper custodialPayer;
  final PayeeKeeper custodialPayee;
  final PublicKey custodialKey;
  final GroupCommitChannelStore channels;
  final GatewayChannels gateways;
  final JdbcTransactionLog transactions;
  final TransactionWatcher watcher;
  final JdbcStatementStore statements;
  final SettlementService service;
  final DataCharges dataCharges;
  final AnchoringService anchoring;
  final ProofBundles proofs;
  final WaitingPayments waiting;
  final long channelCapacitySats;
  private final ExecutorService paymentLanes;

  /**
   * @param vault holds the hub's and the custodial store's keys
   * @param platformKey signs the proof bundles of anchored items
   * @param satPerEur the fixed EUR rate statements convert with
   * @param channelCapacitySats what the platform puts into each new channel
   */
  public Settlement(
      DSLContext dsl,
      ChainBackend chain,
      KeyVault vault,
      PrivateKey platformKey,
      Clock clock,
      long satPerEur,
      long channelCapacitySats) {
    this(dsl, chain, vault, platformKey, clock, satPerEur, channelCapacitySats, false);
  }

  /**
   * @param settlementEvents whether settling a slot also writes its settlement events into the
   *     outbox for a cluster's relay (issue 17); the pass then leaves the anchoring of a slot it
   *     settles to the slot's event, or to its next run
   */
  public Settlement(
      DSLContext dsl,
      ChainBackend chain,
      KeyVault vault,
      PrivateKey platformKey,
      Clock clock,
      long satPerEur,
      long channelCapacitySats,
      boolean settlementEvents) {
    this.chain = Objects.requireNonNull(chain, "chain");
    this.devnet = chain instanceof DevnetBackend d ? d : null;
    this.channelCapacitySats = channelCapacitySats;
    this.transactions = new JdbcTransactionLog(dsl);
    this.hubWallet =
        HubWallet.open(
            vault, chain, new JdbcWalletStore(dsl, HubWallet.WALLET_KEY_LABEL), transactions);
    this.custodialWallet =
        new HubWallet(
            vault.key(CUSTODIAL_KEY_LABEL),
            chain,
            new JdbcWalletStore(dsl, CUSTODIAL_KEY_LABEL),
            transactions);
    this.watcher =
        new TransactionWatcher(
            chain,
            transactions,
            List.of(hubWallet, custodialWallet),
            TransactionWatcher.DEFAULT_BUMP_AFTER_BLOCKS);
    this.channels = new GroupCommitChannelStore(dsl);
    this.hub = HubChannels.open(vault, hubWallet, channels, chain, transactions);
    this.custodialPayer =
        new PayerKeeper(vault.key(CUSTODIAL_KEY_LABEL), custodialWallet, channels, chain);
    this.custodialPayee = new PayeeKeeper(vault.key(CUSTODIAL_KEY_LABEL), channels);
    this.custodialKey = vault.key(CUSTODIAL_KEY_LABEL).publicKey();
    this.statements = new JdbcStatementStore(dsl, settlementEvents);
    this.gateways =
        new GatewayChannels(
            dsl,
            hub,
            channels,
            chain,
            devnet,
            transactions,
            clock,
            new GatewayChannels.Terms(
                channelCapacitySats, CHANNEL_LIFETIME_BLOCKS, CLOSE_MARGIN_BLOCKS));
    RegistryRoutes routes =
        new RegistryRoutes(
            channels,
            channels,
            custodialPayer,
            account -> custodialPayee,
            gateways.link(),
            gateways::gatewayKey,
            gateways.sellerGateways());
    AtomicInteger laneThreads = new AtomicInteger();
    this.paymentLanes =
        Executors.newFixedThreadPool(
            PAYMENT_LANES,
            r -> {
              Thread t = new Thread(r, "peerwatt-payment-" + laneThreads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.dataCharges = new DataCharges(dsl);
    // the other services whose lines the slot statements carry beside the energy trades
    this.service =
        new SettlementService(
            new JdbcSettlementInputs(dsl, READING_LOOKBACK),
            statements,
            new FixedRateSource(Map.of("EUR", satPerEur)),
            ChannelPaymentPort.forHub(hub, routes),
            SettlementPolicy.defaults(),
            paymentLanes,
            List.of(
                new FlexibilityLines(
                    FlexDeliveries.platform(dsl), new FixedRateSource(Map.of("EUR", satPerEur))),
                dataCharges));
    // slots, device enrolments and the reports the API serves are anchored; bundles are signed with
    // the platform key
    this.anchoring =
        new AnchoringService(
            new JdbcAnchorSource(dsl, ANCHOR_LOOKBACK, SettlementPolicy.defaults().graceWindow()),
            new JdbcAnchorStore(dsl),
            hubWallet,
            chain,
            platformKey,
            new SecureRandom());
    this.proofs =
        new ProofBundles(
            new JdbcAnchorStore(dsl),
            new JdbcAnchorSource(dsl, ANCHOR_LOOKBACK, SettlementPolicy.defaults().graceWindow()),
            platformKey);
    this.waiting = new WaitingPayments(dsl);
  }

  public ChainBackend chain() {
    return chain;
  }

  /** Proof bundles of anchored items. */
  public ProofBundles proofs() {
    return proofs;
  }

  /** Anchors slots and enrolments in the pass, and the hashes of the reports the API serves. */
  public AnchoringService anchoring() {
    return anchoring;
  }

  /** The hub's side of machine-to-machine payments, which the gateways' device API serves. */
  public GatewayChannels gateways() {
    return gateways;
  }

  public JdbcStatementStore statements() {
    return statements;
  }

  /** Every transaction the platform made or received, for {@code peerwatt chain export}. */
  public AuditExport auditExport() {
    return new AuditExport(transactions, chain);
  }

  /** What the hub wallet can spend, in satoshis. */
  public long hubWalletSats() {
    return hubWallet.balanceSats();
  }

  /**
   * The hub wallet's address labelled with the chain's network, e.g. {@code regtest:mx...} (for the
   * start-up log); on devnet the form {@link DevnetBackend#label} gives.
   */
  public String hubWalletAddress() {
    return chain.network() + ":" + hubWallet.address(addressNetwork(chain.network())).encode();
  }

  /**
   * The address form on {@code network}: mainnet's on mainnet, the test networks' form on every
   * other (testnet, regtest, devnet).
   */
  public static Network addressNetwork(String network) {
    return "mainnet".equals(network) ? Network.MAINNET : Network.TESTNET;
  }

  /** What the custodial store can spend, in satoshis. */
  public long custodialStoreSats() {
    return custodialWallet.balanceSats();
  }

  /**
   * Stops the payment lanes and the channel store's writer once it has written what is queued. Run
   * it after the last pass.
   */
  @Override
  public void close() {
    paymentLanes.shutdown();
    try {
      paymentLanes.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channels.close();
  }
}

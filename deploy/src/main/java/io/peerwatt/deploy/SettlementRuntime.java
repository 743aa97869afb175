package io.peerwatt.deploy;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_PAYMENT;

import io.peerwatt.db.Database;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.AuditExport;
import io.peerwatt.settlement.ChannelPaymentPort;
import io.peerwatt.settlement.JdbcSettlementInputs;
import io.peerwatt.settlement.JdbcStatementStore;
import io.peerwatt.settlement.PaymentStatus;
import io.peerwatt.settlement.RegistryRoutes;
import io.peerwatt.settlement.SettlementPolicy;
import io.peerwatt.settlement.SettlementService;
import io.peerwatt.settlement.SlotSettlement;
import io.peerwatt.settlement.anchor.AnchorOutcome;
import io.peerwatt.settlement.anchor.AnchoringService;
import io.peerwatt.settlement.anchor.JdbcAnchorSource;
import io.peerwatt.settlement.anchor.JdbcAnchorStore;
import io.peerwatt.settlement.anchor.ProofBundles;
import io.peerwatt.settlement.anchor.ProofRoutes;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.DevnetControl;
import io.peerwatt.settlement.channel.HubChannels;
import io.peerwatt.settlement.channel.JdbcChannelStore;
import io.peerwatt.settlement.channel.PayeeKeeper;
import io.peerwatt.settlement.channel.PayerKeeper;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.m2m.GatewayChannels;
import io.peerwatt.settlement.m2m.GatewayRegistry;
import io.peerwatt.settlement.m2m.GatewayRoutes;
import io.peerwatt.settlement.report.ReportRoutes;
import io.peerwatt.settlement.statement.FixedRateSource;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.JdbcTransactionLog;
import io.peerwatt.settlement.wallet.JdbcWalletStore;
import io.peerwatt.settlement.wallet.KeyVault;
import io.peerwatt.settlement.wallet.TransactionWatcher;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settlement inside {@code peerwatt platform}: the devnet chain (persisted in PostgreSQL, mining on a
 * timer), the hub wallet and the custodial store (both funded from the devnet faucet), a hub -> prosumer
 * and a prosumer -> hub channel for every prosumer (custodial: the platform keeps the prosumer side,
 * encrypted in the key vault), and the settlement pass on a timer.
 *
 * <p>Everything that touches the settlement objects runs on one single-threaded worker, because
 * {@link SettlementService} is not thread-safe; {@link #call} runs other work on the same worker.
 */
public final class SettlementRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SettlementRuntime.class);
  /** Vault label of the key the custodial store pays and receives with for prosumers without a wallet. */
  static final String CUSTODIAL_KEY_LABEL = "custodial-prosumers";
  /**
   * Faucet payment per top-up, and the spendable balance under which a wallet is topped up: ten hub ->
   * seller channels' worth, so a slot with many new sellers does not wait a pass for coins.
   */
  private static final long FAUCET_SATS = 1_000_000_000L;
  private static final long LOW_BALANCE_SATS = 500_000_000L;
  /** Channel lifetime in blocks; the hub closes buyer channels this many blocks before expiry. */
  private static final long CHANNEL_LIFETIME_BLOCKS = 2_000;
  private static final long CLOSE_MARGIN_BLOCKS = 6;

  private final Clock clock;
  private final ChainBackend chain;
  /** The embedded devnet when that is the backend: faucet and mining; null for node and arc. */
  private final DevnetBackend devnet;
  private volatile AnchoringService anchoring;
  private volatile ProofBundles proofs;
  private final HubWallet hubWallet;
  private final HubWallet custodialWallet;
  private final HubChannels hub;
  private final PayerKeeper custodialPayer;
  private final PayeeKeeper custodialPayee;
  private final io.peerwatt.protocol.keys.PublicKey custodialKey;
  private final JdbcChannelStore channels;
  /** The hub's side of machine-to-machine accounts (their gateways sign and keep their channel halves). */
  private final GatewayChannels gateways;
  private final JdbcTransactionLog transactions;
  /** Sends again what the chain lost, bumps what waits unmined, follows reorgs (see TransactionWatcher). */
  private final TransactionWatcher watcher;
  private final JdbcStatementStore statements;
  private final SettlementService service;
  private final Database database;
  private final long channelCapacitySats;
  private final ScheduledExecutorService worker;
  private final AtomicLong passes = new AtomicLong();
  private volatile java.util.concurrent.ScheduledFuture<?> passTimer;
  private volatile String lastError;

  private SettlementRuntime(Database database, Clock clock, ChainBackend chain, KeyVault vault,
      long satPerEur, long channelCapacitySats) {
    this.database = database;
    this.clock = clock;
    this.chain = chain;
    this.devnet = chain instanceof DevnetBackend d ? d : null;
    this.channelCapacitySats = channelCapacitySats;
    this.transactions = new JdbcTransactionLog(database.dsl());
    this.hubWallet = HubWallet.open(vault, chain, new JdbcWalletStore(database.dsl(), HubWallet.WALLET_KEY_LABEL),
        transactions);
    this.custodialWallet = new HubWallet(vault.key(CUSTODIAL_KEY_LABEL), chain,
        new JdbcWalletStore(database.dsl(), CUSTODIAL_KEY_LABEL), transactions);
    this.watcher = new TransactionWatcher(chain, transactions, List.of(hubWallet, custodialWallet),
        TransactionWatcher.DEFAULT_BUMP_AFTER_BLOCKS);
    this.channels = new JdbcChannelStore(database.dsl());
    this.hub = HubChannels.open(vault, hubWallet, channels, chain, transactions);
    this.custodialPayer = new PayerKeeper(vault.key(CUSTODIAL_KEY_LABEL), custodialWallet, channels, chain);
    this.custodialPayee = new PayeeKeeper(vault.key(CUSTODIAL_KEY_LABEL), channels);
    this.custodialKey = vault.key(CUSTODIAL_KEY_LABEL).publicKey();
    this.statements = new JdbcStatementStore(database.dsl());
    this.gateways = new GatewayChannels(database.dsl(), hub, channels, chain, devnet, transactions, clock,
        new GatewayChannels.Terms(channelCapacitySats, CHANNEL_LIFETIME_BLOCKS, CLOSE_MARGIN_BLOCKS));
    RegistryRoutes routes = new RegistryRoutes(channels, channels, custodialPayer, account -> custodialPayee,
        gateways.link(), gateways::gatewayKey, gateways.sellerGateways());
    this.service = new SettlementService(new JdbcSettlementInputs(database.dsl(), Duration.ofHours(6)), statements,
        new FixedRateSource(Map.of("EUR", satPerEur)), ChannelPaymentPort.forHub(hub, routes),
        SettlementPolicy.defaults());
    this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "peerwatt-settlement");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Opens the devnet and the wallets, funds them from the faucet when low and starts mining and the
   * settlement pass.
   *
   * @param mineEvery real time between mining attempts (a block is mined only when the mempool has
   *     transactions)
   * @param settleEvery real time between settlement passes
   */
  static SettlementRuntime start(Database database, ChainBackend chain, Clock clock, Path dataDir, long satPerEur,
      long channelCapacitySats, Duration mineEvery, Duration settleEvery) {
    Path keys = dataDir.resolve("keys");
    try {
      java.nio.file.Files.createDirectories(keys);
    } catch (java.io.IOException e) {
      closeChain(chain);
      throw new UserError("cannot create " + keys + ": " + e.getMessage(), e);
    }
    KeyVault vault = KeyVault.open(keys.resolve("settlement-vault.bin"), keys.resolve("settlement-vault.secret"),
        new SecureRandom());
    SettlementRuntime runtime = new SettlementRuntime(database, clock, chain, vault, satPerEur, channelCapacitySats);
    ProofRoutes.useChain(chain);
    GatewayRoutes.use(runtime.gateways);
    DevnetBackend devnet = runtime.devnet;
    if (devnet != null) {
      runtime.call(() -> {
        runtime.fundIfLow(runtime.hubWallet, "hub");
        runtime.fundIfLow(runtime.custodialWallet, "custodial store");
        devnet.mineBlocks(1);
        runtime.hubWallet.syncConfirmations();
        runtime.custodialWallet.syncConfirmations();
        return null;
      });
      devnet.startMining(mineEvery);
    } else {
      log.warn("chain {}: no faucet; the hub wallet and the custodial store hold only what they already received",
          chain.network());
    }
    runtime.passTimer = runtime.worker.scheduleWithFixedDelay(runtime::pass, settleEvery.toMillis(), settleEvery.toMillis(),
        TimeUnit.MILLISECONDS);
    log.info("settlement on {}: hub wallet {} ({} sat), custodial store {} sat, tip {}", chain.network(),
        DevnetBackend.label(runtime.hubWallet.address(io.peerwatt.protocol.keys.Network.TESTNET)),
        runtime.hubWallet.balanceSats(), runtime.custodialWallet.balanceSats(), chain.tip().height());
    return runtime;
  }

  private void fundIfLow(HubWallet wallet, String name) {
    if (devnet == null || wallet.balanceSats() >= LOW_BALANCE_SATS) {
      return;
    }
    DevnetControl.FaucetPayment pay = devnet.faucet(wallet.lockingScript(), FAUCET_SATS);
    wallet.receive(Transaction.parse(pay.rawTx()), false, List.of(), "faucet");
    log.info("devnet faucet paid {} sat to the {} wallet: {}", pay.satoshis(), name, pay.txid());
  }

  /** One pass: channels for new prosumers, settlement and payments, wallet and channel bookkeeping. */
  private void pass() {
    try {
      fundIfLow(hubWallet, "hub");
      fundIfLow(custodialWallet, "custodial store");
      openMissingChannels();
      gateways.proposeSellerChannels();
      List<SlotSettlement> settled = service.settleDueSlots(clock.instant());
      for (SlotSettlement s : settled) {
        if (s.statementsWritten() > 0) {
          log.info("settled {}: {} statements, {} payments", s.key(), s.statementsWritten(), s.paymentsCreated());
        }
      }
      AnchoringService a = anchoring;
      if (a != null) {
        for (AnchorOutcome o : a.anchorDueSlots(clock.instant())) {
          log.info("anchor {}: {} {} ({} items)", o.anchorKey(), o.status(), o.txid(), o.leafCount());
        }
        for (AnchorOutcome o : a.anchorDueEnrolments(clock.instant())) {
          log.info("anchor {}: {} {} ({} items)", o.anchorKey(), o.status(), o.txid(), o.leafCount());
        }
        a.confirmAnchors();
      }
      TransactionWatcher.Report watched = watcher.watch();
      if (watched.reorged() + watched.resent() + watched.bumped() + watched.refused() > 0) {
        log.warn("chain watch: {}", watched);
      }
      hub.closeExpiring(CLOSE_MARGIN_BLOCKS);
      gateways.closeSellerChannels(false);
      hub.syncClosed();
      hubWallet.syncConfirmations();
      custodialWallet.syncConfirmations();
      passes.incrementAndGet();
      lastError = null;
    } catch (RuntimeException e) {
      // the next pass retries; settlement itself is idempotent per slot and payment
      lastError = String.valueOf(e.getMessage());
      log.error("settlement pass failed; retrying on the next pass", e);
    }
  }

  /**
   * Opens the custodial channel a custodial prosumer's waiting payment needs (hub -> prosumer for a
   * credit, prosumer -> hub for a debit) when none is open; the gateways of machine-to-machine
   * prosumers open their own buyer channel, and the hub proposes their seller channel.
   */
  private void openMissingChannels() {
    // a channel opens when a payment waits for it: no coins sit in channels nobody pays over
    java.util.Set<Long> credits = new java.util.HashSet<>();
    java.util.Set<Long> debits = new java.util.HashSet<>();
    database.dsl().selectDistinct(SETTLEMENT_PAYMENT.ACCOUNT_ID, SETTLEMENT_PAYMENT.AMOUNT_SAT.gt(0L))
        .from(SETTLEMENT_PAYMENT).where(SETTLEMENT_PAYMENT.STATUS.eq(PaymentStatus.PENDING.code()))
        .forEach(r -> (r.value2() ? credits : debits).add(r.value1()));
    List<Long> prosumers = database.dsl().select(ACCOUNT.ID).from(ACCOUNT)
        .where(ACCOUNT.ROLE.eq("prosumer").and(ACCOUNT.DISABLED_AT.isNull())
            .and(ACCOUNT.PAYMENT_MODE.eq(GatewayRegistry.CUSTODIAL)))
        .and(ACCOUNT.ID.in(credits).or(ACCOUNT.ID.in(debits)))
        .orderBy(ACCOUNT.ID).fetch(ACCOUNT.ID);
    List<PayerChannel> hubPays = channels.payerChannels(ChannelState.OPEN);
    List<PayeeChannel> hubReceives = channels.payeeChannels(ChannelState.OPEN);
    long expiry = chain.tip().height() + CHANNEL_LIFETIME_BLOCKS;
    for (long account : prosumers) {
      String a = Long.toString(account);
      boolean toSeller = hubPays.stream().anyMatch(c -> c.terms().direction() == ChannelDirection.HUB_TO_SELLER
          && c.terms().prosumerAccount().equals(a));
      boolean fromBuyer = hubReceives.stream().anyMatch(c -> c.terms().direction() == ChannelDirection.BUYER_TO_HUB
          && c.terms().prosumerAccount().equals(a));
      String suffix = a + "-" + clock.millis();
      if (!toSeller && credits.contains(account)) {
        ChannelResult<PayerChannel> r = hub.sellers().open("hub-to-" + suffix, ChannelDirection.HUB_TO_SELLER, a,
            custodialKey, custodialWallet.lockingScript(), channelCapacitySats, expiry,
            channelCapacitySats - 10_000, custodialPayee);
        logOpen("hub -> prosumer " + a, r);
      }
      if (!fromBuyer && debits.contains(account)) {
        ChannelResult<PayerChannel> r = custodialPayer.open(suffix + "-to-hub", ChannelDirection.BUYER_TO_HUB, a,
            hub.hubKey(), hub.hubPayeeScript(), channelCapacitySats, expiry, channelCapacitySats - 10_000,
            hub.buyers());
        logOpen("prosumer " + a + " -> hub (custodial)", r);
      }
    }
  }

  private static void logOpen(String what, ChannelResult<PayerChannel> r) {
    if (r.isOk()) {
      log.info("channel {} opened: {}", what, r.value().channelId());
    } else {
      log.warn("channel {} not opened: {} {}", what, r.rejection(), r.detail());
    }
  }

  /**
   * Stops the settlement passes and closes every open channel on chain (the end of a demo: no channel
   * is reopened afterwards, and nothing writes transactions while the export reads them). The hub co-signs and broadcasts the newest commitment of each
   * buyer channel; the custodial store does the same as payee of each hub -> prosumer channel; the
   * gateways of machine-to-machine sellers are asked to close theirs (they are the payees) and waited for
   * up to {@code gatewayWait}. Channels that never carried a payment are refunded after expiry instead
   * and are left open here.
   *
   * @return the closing transactions' txids
   */
  public List<String> stopAndCloseAllChannels(Duration gatewayWait) throws InterruptedException {
    passTimer.cancel(false);
    List<String> closed = new ArrayList<>(call(() -> {
      List<String> txids = new ArrayList<>();
      for (PayeeChannel c : channels.payeeChannels(ChannelState.OPEN)) {
        if (c.sequence() == 0) {
          continue;
        }
        if (c.terms().direction() == ChannelDirection.BUYER_TO_HUB) {
          ChannelResult<BroadcastResult> r = hub.closeBuyerChannel(c.channelId());
          if (r.isOk() && r.value().isAccepted()) {
            txids.add(r.value().txid());
            // the custodial payer's side books its change from the same closing transaction
            if (devnet != null) {
              devnet.rawTransaction(r.value().txid())
                  .ifPresent(raw -> custodialPayer.closedByPayee(c.channelId(), Transaction.parse(raw)));
            }
          } else {
            log.warn("closing {} failed: {}", c.channelId(), r.isOk() ? r.value().detail() : r.detail());
          }
        } else {
          ChannelResult<Transaction> closing = custodialPayee.closingTransaction(c.channelId());
          BroadcastResult sent = chain.broadcast(closing.orThrow().serialize());
          if (sent.isAccepted()) {
            txids.add(sent.txid());
            hub.sellers().closedByPayee(c.channelId(), closing.value());
            custodialWallet.receive(closing.value(), false, List.of(), "channel-close");
            custodialPayee.markSpent(c.channelId(), ChannelState.CLOSED, closing.value().txid());
          } else {
            log.warn("closing {} rejected: {} {}", c.channelId(), sent.reason(), sent.detail());
          }
        }
      }
      gateways.closeSellerChannels(true);
      return txids;
    }));
    long deadline = System.nanoTime() + gatewayWait.toNanos();
    Map<String, String> closes = call(gateways::requestedCloses);
    while (closes.containsValue(null) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      closes = call(gateways::requestedCloses);
    }
    closes.forEach((channelId, txid) -> {
      if (txid == null) {
        log.warn("the gateway did not close {} in time: the hub takes the funds back by the refund after expiry",
            channelId);
      } else {
        closed.add(txid);
      }
    });
    return closed;
  }

  /** Runs {@code work} on the settlement worker and waits for it. */
  <T> T call(Callable<T> work) {
    try {
      return worker.submit(work).get(120, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("settlement worker busy for 120 s", e);
    }
  }

  /** Mines one block now on devnet (with whatever the mempool holds) and books confirmations and anchors. */
  public ChainHeader mineNow() {
    if (devnet == null) {
      throw new IllegalStateException("only devnet mines on demand; " + chain.network() + " mines by itself");
    }
    return call(() -> {
      List<ChainHeader> mined = devnet.mineBlocks(1);
      AnchoringService a = anchoring;
      if (a != null) {
        a.confirmAnchors();
      }
      hubWallet.syncConfirmations();
      custodialWallet.syncConfirmations();
      hub.syncClosed();
      return mined.isEmpty() ? devnet.tip() : mined.get(0);
    });
  }

  /**
   * Starts anchoring slots and device enrolments (after settlement, on the same worker) and the hashes of
   * the utility reports the API serves; called once the platform signing key exists.
   */
  void startAnchoring(Path dataDir) {
    PrivateKey platformKey = ProofRoutes.readPlatformKey(dataDir);
    AnchoringService service = new AnchoringService(new JdbcAnchorSource(database.dsl(), Duration.ofDays(2), SettlementPolicy.defaults().graceWindow()),
        new JdbcAnchorStore(database.dsl()), hubWallet, chain, platformKey, new SecureRandom());
    proofs = new ProofBundles(new JdbcAnchorStore(database.dsl()),
        new JdbcAnchorSource(database.dsl(), Duration.ofDays(2), SettlementPolicy.defaults().graceWindow()), platformKey);
    anchoring = service;
    ReportRoutes.useAnchoring(service);
  }

  /** Proof bundles of anchored items (null before {@link #startAnchoring}). */
  public ProofBundles proofs() {
    return proofs;
  }

  public ChainBackend chain() {
    return chain;
  }

  JdbcStatementStore statements() {
    return statements;
  }

  public AuditExport auditExport() {
    return new AuditExport(transactions, chain);
  }

  /** Chain and settlement state for {@code GET /health}. */
  Map<String, Object> health() {
    ChainHeader tip = chain.tip();
    return Map.of(
        "network", chain.network(),
        "height", tip.height(),
        "tipHash", tip.hashHex(),
        "hubWalletSats", hubWallet.balanceSats(),
        "settlementPasses", passes.get(),
        "lastError", lastError == null ? "" : lastError);
  }

  @Override
  public void close() {
    worker.shutdown();
    try {
      worker.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeChain(chain);
  }

  private static void closeChain(ChainBackend chain) {
    if (chain instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("closing the chain backend failed", e);
      }
    }
  }
}

package io.peerwatt.deploy;

import io.peerwatt.db.Database;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.AuditExport;
import io.peerwatt.settlement.JdbcStatementStore;
import io.peerwatt.settlement.anchor.AnchoringService;
import io.peerwatt.settlement.anchor.ProofBundles;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.ChainUnavailableException;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.m2m.GatewayChannels;
import io.peerwatt.settlement.runtime.Settlement;
import io.peerwatt.settlement.runtime.SettlementPass;
import io.peerwatt.settlement.runtime.SettlementScheduler;
import io.peerwatt.settlement.wallet.KeyVault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settlement inside {@code peerwatt platform}, as the composition root wires it: the key vault in
 * the data dir, settlement's parts over the platform's database and chain ({@link Settlement}), the
 * devnet's funding and mining when that is the chain, and the settlement pass on its timer ({@link
 * SettlementScheduler}).
 */
public final class SettlementRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SettlementRuntime.class);

  private final Settlement settlement;
  private final SettlementPass pass;
  private final SettlementScheduler scheduler;

  private SettlementRuntime(
      Settlement settlement, SettlementPass pass, SettlementScheduler scheduler) {
    this.settlement = settlement;
    this.pass = pass;
    this.scheduler = scheduler;
  }

  /**
   * Opens the key vault and the wallets, funds them from the devnet faucet when low and starts
   * mining and the settlement pass.
   *
   * @param platformKey signs the proof bundles of anchored items
   * @param mineEvery real time between mining attempts (a block is mined only when the mempool has
   *     transactions)
   * @param settleEvery real time between settlement passes
   * @param runPasses whether this node runs the settlement pass (its {@code settlement} role); a
   *     node without it still serves settlement's views and proofs
   * @param settlementEvents whether settling writes the settlement events' outbox (a cluster node
   *     with the settlement role: {@link ClusterSettlement} relays it)
   */
  static SettlementRuntime start(
      Database database,
      ChainBackend chain,
      Clock clock,
      Path dataDir,
      PrivateKey platformKey,
      long satPerEur,
      long channelCapacitySats,
      Duration mineEvery,
      Duration settleEvery,
      boolean runPasses,
      boolean settlementEvents) {
    Path keys = dataDir.resolve("keys");
    try {
      Files.createDirectories(keys);
    } catch (IOException e) {
      closeChain(chain);
      throw new UserError("cannot create " + keys + ": " + e.getMessage(), e);
    }
    KeyVault vault =
        KeyVault.open(
            keys.resolve("settlement-vault.bin"),
            keys.resolve("settlement-vault.secret"),
            new SecureRandom());
    Settlement settlement =
        new Settlement(
            database.dsl(),
            chain,
            vault,
            platformKey,
            clock,
            satPerEur,
            channelCapacitySats,
            settlementEvents);
    SettlementPass pass = new SettlementPass(settlement, clock);
    SettlementScheduler scheduler = new SettlementScheduler(pass, clock);
    if (!runPasses) {
      // the devnet's faucet and miner belong to the node that runs the passes
      log.info("chain {}: funded and mined by the node with the settlement role", chain.network());
    } else if (chain instanceof DevnetBackend devnet) {
      scheduler.call(
          () -> {
            pass.prepareDevnet();
            return null;
          });
      devnet.startMining(mineEvery);
    } else {
      log.warn(
          "chain {}: no faucet; the hub wallet and the custodial store hold only what they already received",
          chain.network());
    }
    if (runPasses) {
      scheduler.start(settleEvery);
    } else {
      log.info("this node does not run the settlement pass (no settlement role)");
    }
    log.info(
        "settlement on {}: hub wallet {} ({} sat), custodial store {} sat, tip {}",
        chain.network(),
        settlement.hubWalletAddress(),
        settlement.hubWalletSats(),
        settlement.custodialStoreSats(),
        chain.tip().height());
    return new SettlementRuntime(settlement, pass, scheduler);
  }

  /**
   * Stops the settlement passes and closes every open channel on chain (the end of a demo), waiting
   * up to {@code gatewayWait} for machine-to-machine sellers' gateways to close theirs.
   *
   * @return the closing transactions' txids
   */
  public List<String> stopAndCloseAllChannels(Duration gatewayWait) throws InterruptedException {
    return scheduler.stopAndCloseAllChannels(gatewayWait);
  }

  /**
   * Mines one block now on devnet (with whatever the mempool holds) and books confirmations and
   * anchors.
   */
  public ChainHeader mineNow() {
    return scheduler.call(pass::mineNow);
  }

  /**
   * Books what new blocks mined (anchors' proofs, wallet confirmations, closed channels) on the
   * settlement thread: after a demo mined blocks of its own once the passes stopped.
   */
  public void bookBlocks() {
    scheduler.call(
        () -> {
          pass.bookBlocks();
          return null;
        });
  }

  /**
   * Books a transaction from outside paying the hub wallet and/or the custodial store, as {@code
   * peerwatt chain fund} does; returns the satoshis it pays them.
   */
  public long receiveFunding(Transaction funding) {
    return scheduler.call(() -> pass.receiveFunding(funding));
  }

  /** The locking script that pays the hub wallet. */
  public byte[] hubWalletScript() {
    return pass.hubWalletScript();
  }

  /** The locking script that pays the custodial store. */
  public byte[] custodialStoreScript() {
    return pass.custodialStoreScript();
  }

  /** Proof bundles of anchored items. */
  public ProofBundles proofs() {
    return settlement.proofs();
  }

  /** Anchors slots and enrolments in the pass, and the hashes of the reports the API serves. */
  AnchoringService anchoring() {
    return settlement.anchoring();
  }

  /** The hub's side of machine-to-machine payments, which the gateways' device API serves. */
  GatewayChannels gateways() {
    return settlement.gateways();
  }

  public ChainBackend chain() {
    return settlement.chain();
  }

  JdbcStatementStore statements() {
    return settlement.statements();
  }

  public AuditExport auditExport() {
    return settlement.auditExport();
  }

  /** What settlement's API resources and the operator's monitor are built on. */
  Settlement settlement() {
    return settlement;
  }

  /** The settlement passes and what each did, for the operator's monitor. */
  SettlementScheduler scheduler() {
    return scheduler;
  }

  /**
   * Chain and settlement state for {@code GET /health}, with the fee rate the platform pays now;
   * without height, tip and fee rate while the chain cannot be reached.
   */
  Map<String, Object> health() {
    ChainBackend chain = settlement.chain();
    String lastError = scheduler.lastError();
    Map<String, Object> health = new LinkedHashMap<>();
    health.put("network", chain.network());
    try {
      ChainHeader tip = chain.tip();
      health.put("height", tip.height());
      health.put("tipHash", tip.hashHex());
      health.put("feeSatsPerKb", chain.feePolicy().satoshisPerKb());
      health.put("reachable", true);
    } catch (ChainUnavailableException e) {
      health.put("reachable", false);
      lastError = e.getMessage();
    }
    health.put("hubWalletSats", settlement.hubWalletSats());
    health.put("settlementPasses", scheduler.passes());
    health.put("lastError", lastError == null ? "" : lastError);
    return health;
  }

  @Override
  public void close() {
    scheduler.close();
    settlement.close();
    closeChain(settlement.chain());
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

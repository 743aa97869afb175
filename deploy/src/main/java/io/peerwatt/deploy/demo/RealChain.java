package io.peerwatt.deploy.demo;

import io.peerwatt.deploy.ChainSettings;
import io.peerwatt.deploy.SettlementRuntime;
import io.peerwatt.deploy.UserError;
import io.peerwatt.gateway.wallet.WalletInbox;
import io.peerwatt.protocol.bsv.P2pkhSpend;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.keys.Network;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.ChainUnavailableException;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.chain.node.NodeRpcBackend;
import io.peerwatt.settlement.runtime.Settlement;
import io.peerwatt.settlement.wallet.KeyVault;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo on a real chain ({@code --chain node|arc}), where there is no faucet and no mining on
 * demand. The demo funds the platform and the machine-to-machine gateways as their operator and
 * households would: one transaction pays the hub wallet, the custodial store and each gateway's
 * wallet; the platform books it as {@code peerwatt chain fund} does and each gateway finds it in
 * its inbox as {@code peerwatt gateway wallet fund} leaves it.
 *
 * <ul>
 *   <li>A regtest node: the coins come from blocks the demo mines to a key of its own ({@code
 *       generatetoaddress}; coinbases mature after 100 blocks), and the demo mines a block on a
 *       timer whenever transactions wait, as devnet does.
 *   <li>Testnet, mainnet and ARC: the network mines; the coins come from a transaction the operator
 *       sent to the demo's funding address ({@code --funding-tx}). Without one the demo names the
 *       address and the amount and does not start.
 * </ul>
 */
final class RealChain implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RealChain.class);

  /** Channel capacity on regtest, where coins cost nothing (the demo's devnet gateways' size). */
  static final long REGTEST_CHANNEL_SATS = 20_000_000;

  /** Channel capacity where coins are worth something (testnet, mainnet). */
  static final long NETWORK_CHANNEL_SATS = 1_000_000;

  /** Blocks after which a coinbase may be spent (consensus). */
  static final int COINBASE_MATURITY = 100;

  /** The most blocks the demo mines for its coins before it gives up on a tiny block reward. */
  private static final int MAX_FUNDING_BLOCKS = 100;

  /** Vault label of the key the demo is funded through on testnet and mainnet. */
  static final String FUNDING_KEY_LABEL = "demo-funding";

  /** How long the closing transactions may take to be mined on regtest. */
  private static final Duration REGTEST_CLOSE_WAIT = Duration.ofMinutes(2);

  private final ChainBackend chain;
  private final NodeRpcBackend regtest;
  private final PrivateKey fundingKey;
  private final String minerAddress;
  private final Map<String, Transaction> fundingTransactions = new LinkedHashMap<>();
  private ScheduledExecutorService miner;

  /**
   * What the demo funds on a real chain, in satoshis.
   *
   * @param hubSats the hub wallet: a channel to every home it may pay, plus anchor and funding fees
   * @param custodialSats the custodial store: a channel to the hub for every custodial home
   * @param gatewaySats each machine-to-machine gateway: two channels' worth (one to top up)
   */
  record Budget(long hubSats, long custodialSats, long gatewaySats, int gateways) {
    /** Room for the fees of one channel's funding and closing. */
    private static final long CHANNEL_FEES_SATS = 10_000;

    /** Room for the hub's anchors and its other fees over a long run. */
    private static final long HUB_FEES_SATS = 1_000_000;

    static Budget of(int homes, int m2mHomes, long channelSats) {
      long perChannel = Math.addExact(channelSats, CHANNEL_FEES_SATS);
      return new Budget(
          Math.addExact(Math.multiplyExact(homes, perChannel), HUB_FEES_SATS),
          Math.addExact(Math.multiplyExact(homes - m2mHomes, perChannel), CHANNEL_FEES_SATS),
          Math.multiplyExact(2, perChannel),
          m2mHomes);
    }

    long totalSats() {
      return Math.addExact(
          Math.addExact(hubSats, custodialSats), Math.multiplyExact(gatewaySats, gateways));
    }
  }

  /**
   * How the demo is funded where it cannot mine: the transaction paying its funding address, and
   * the folder of the key vault that keeps the funding key between runs.
   *
   * @param transaction the raw transaction, or null when none was given
   */
  record Funding(byte[] transaction, Path vaultDir) {}

  private RealChain(ChainBackend chain, NodeRpcBackend regtest, PrivateKey fundingKey) {
    this.chain = chain;
    this.regtest = regtest;
    this.fundingKey = fundingKey;
    this.minerAddress = fundingKey.publicKey().toAddress(Network.TESTNET).encode();
  }

  /**
   * The settings with the network the node says it runs ({@code getblockchaininfo}); ARC's as
   * configured.
   */
  static ChainSettings withActualNetwork(ChainSettings settings) {
    if (!settings.backend().equals("node")) {
      return settings;
    }
    String chainName;
    try {
      chainName = node(settings).chainName();
    } catch (ChainUnavailableException e) {
      URI url = URI.create(settings.nodeUrl());
      throw new UserError(
          "cannot reach the node at " + url.getHost() + ":" + url.getPort() + ": " + e.getMessage(),
          e);
    }
    return settings.withNetwork(
        switch (chainName) {
          case "main" -> "mainnet";
          case "test" -> "testnet";
          default -> chainName;
        });
  }

  /** Whether the demo mines its own blocks: only on a regtest node. */
  static boolean mines(ChainSettings settings) {
    return settings.backend().equals("node") && settings.network().equals("regtest");
  }

  /** The capacity of the demo's channels on this chain. */
  static long channelSats(ChainSettings settings) {
    return mines(settings) ? REGTEST_CHANNEL_SATS : NETWORK_CHANNEL_SATS;
  }

  private static NodeRpcBackend node(ChainSettings settings) {
    return new NodeRpcBackend(
        URI.create(settings.nodeUrl()),
        settings.network(),
        settings.timeout(),
        settings.attempts(),
        settings.minFeeSatsPerKb());
  }

  /**
   * Checks before anything starts that the demo can be funded: on regtest always; elsewhere the
   * funding key must exist and the funding transaction must be given.
   *
   * @return the key the demo pays from
   * @throws UserError naming the address and the amount when the demo is not funded
   */
  static PrivateKey fundingKey(ChainSettings settings, Funding funding, Budget budget) {
    if (mines(settings)) {
      return PrivateKey.generate(new SecureRandom());
    }
    PrivateKey key =
        KeyVault.open(
                funding.vaultDir().resolve("funding-vault.bin"),
                funding.vaultDir().resolve("funding-vault.secret"),
                new SecureRandom())
            .key(FUNDING_KEY_LABEL);
    if (funding.transaction() == null) {
      throw new UserError(
          "the demo on "
              + settings.network()
              + " cannot mine or take coins from a faucet: send "
              + budget.totalSats()
              + " sat (plus the fee of one transaction) to "
              + address(key, settings.network())
              + ", the demo's funding address (its key is kept in "
              + funding.vaultDir()
              + "), then start it again with --funding-tx HEX|@FILE (that transaction)");
    }
    return key;
  }

  private static String address(PrivateKey key, String network) {
    return key.publicKey().toAddress(Settlement.addressNetwork(network)).encode();
  }

  /**
   * Funds the hub wallet, the custodial store and each gateway's wallet (by its data dir and
   * channel key) with one transaction, and on regtest starts mining blocks every {@code
   * blockInterval} while transactions wait.
   *
   * @throws UserError when the funding transaction does not pay enough or the chain refuses it
   */
  static RealChain fund(
      SettlementRuntime settlement,
      ChainSettings settings,
      PrivateKey key,
      Funding funding,
      Budget budget,
      Map<Path, PublicKey> gateways,
      Duration blockInterval,
      PrintStream out)
      throws IOException {
    ChainBackend chain = settlement.chain();
    RealChain real = new RealChain(chain, mines(settings) ? node(settings) : null, key);
    List<TxOutput> outputs = new ArrayList<>();
    outputs.add(new TxOutput(budget.hubSats(), settlement.hubWalletScript()));
    outputs.add(new TxOutput(budget.custodialSats(), settlement.custodialStoreScript()));
    gateways
        .values()
        .forEach(
            k ->
                outputs.add(new TxOutput(budget.gatewaySats(), Script.p2pkh(k.hash160()).bytes())));
    List<P2pkhSpend.Coin> coins =
        real.regtest != null
            ? real.mineCoins(budget.totalSats(), out)
            : real.givenCoins(funding.transaction(), budget, settings.network());
    P2pkhSpend.Spend spend;
    try {
      spend = P2pkhSpend.build(key, coins, outputs, chain.feePolicy());
    } catch (P2pkhSpend.InsufficientFundsException e) {
      throw new UserError(
          "the funding transaction pays too little for "
              + budget.totalSats()
              + " sat and the fee: send more to "
              + address(key, settings.network())
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
    Transaction tx = spend.transaction();
    BroadcastResult sent = chain.broadcast(tx.serialize());
    if (!sent.isAccepted()) {
      throw new UserError(
          "the chain refused the demo's funding transaction: "
              + sent.reason()
              + " "
              + sent.detail()
              + (funding.transaction() == null
                  ? ""
                  : " (did an earlier run spend --funding-tx? send coins anew)"));
    }
    real.fundingTransactions.put(tx.txidHex(), tx);
    settlement.receiveFunding(tx);
    for (Map.Entry<Path, PublicKey> g : gateways.entrySet()) {
      WalletInbox.deliver(g.getKey(), g.getValue(), tx);
    }
    out.println(
        "  funded on "
            + settings.network()
            + " by "
            + tx.txidHex()
            + ": hub wallet "
            + budget.hubSats()
            + " sat, custodial store "
            + budget.custodialSats()
            + " sat, "
            + gateways.size()
            + " gateway wallet(s) "
            + budget.gatewaySats()
            + " sat each (fee "
            + spend.feeSats()
            + " sat)");
    if (real.regtest != null) {
      real.regtest.generateToAddress(1, real.minerAddress);
      real.startMining(blockInterval);
    }
    return real;
  }

  /**
   * Mines blocks paying the funding key until their coinbases cover {@code sats}, then the blocks
   * that make them spendable.
   */
  private List<P2pkhSpend.Coin> mineCoins(long sats, PrintStream out) {
    List<P2pkhSpend.Coin> coins = new ArrayList<>();
    long have = 0;
    while (have <= sats) {
      if (coins.size() == MAX_FUNDING_BLOCKS) {
        throw new UserError(
            MAX_FUNDING_BLOCKS
                + " regtest blocks pay only "
                + have
                + " sat at height "
                + chain.tip().height()
                + " (the block reward halves every 150 blocks): start the demo on a fresh regtest node");
      }
      String block = regtest.generateToAddress(1, minerAddress).get(0);
      Transaction coinbase =
          Transaction.parse(regtest.rawTransaction(regtest.blockTxids(block).get(0)).orElseThrow());
      long reward = coinbase.outputs().get(0).satoshis();
      if (reward > 0) {
        coins.add(new P2pkhSpend.Coin(coinbase.txid(), 0, reward, true));
        have = Math.addExact(have, reward);
      }
    }
    regtest.generateToAddress(COINBASE_MATURITY, minerAddress);
    out.println(
        "  mined "
            + (coins.size() + COINBASE_MATURITY)
            + " regtest blocks for "
            + have
            + " sat of coins (coinbases mature after "
            + COINBASE_MATURITY
            + " blocks)");
    return coins;
  }

  /**
   * The outputs of the operator's transaction that pay the funding key; sent to the chain first
   * when it does not know it yet.
   */
  private List<P2pkhSpend.Coin> givenCoins(byte[] raw, Budget budget, String network) {
    Transaction tx;
    try {
      tx = Transaction.parse(raw);
    } catch (RuntimeException e) {
      throw new UserError("--funding-tx is not a transaction: " + e.getMessage(), e);
    }
    byte[] script = Script.p2pkh(fundingKey.publicKey().hash160()).bytes();
    TxStatus status = chain.status(tx.txidHex());
    if (status.state() == TxStatus.State.UNKNOWN) {
      BroadcastResult sent = chain.broadcast(tx.serialize());
      if (!sent.isAccepted()) {
        throw new UserError(
            "the chain does not know --funding-tx "
                + tx.txidHex()
                + " and refused it: "
                + sent.reason()
                + " "
                + sent.detail());
      }
    }
    List<P2pkhSpend.Coin> coins = new ArrayList<>();
    long paid = 0;
    for (int i = 0; i < tx.outputs().size(); i++) {
      TxOutput o = tx.outputs().get(i);
      if (Arrays.equals(o.lockingScript(), script) && o.satoshis() > 0) {
        coins.add(
            new P2pkhSpend.Coin(
                tx.txid(), i, o.satoshis(), status.state() == TxStatus.State.MINED));
        paid = Math.addExact(paid, o.satoshis());
      }
    }
    if (paid <= budget.totalSats()) {
      throw new UserError(
          "--funding-tx "
              + tx.txidHex()
              + " pays "
              + paid
              + " sat to the demo's funding address "
              + address(fundingKey, network)
              + "; the demo needs "
              + budget.totalSats()
              + " sat plus the fee of one transaction");
    }
    fundingTransactions.put(tx.txidHex(), tx);
    return coins;
  }

  /** Whether the demo mines the blocks (regtest), not the network. */
  boolean mines() {
    return regtest != null;
  }

  /** Mines a block every {@code interval} while the node's mempool holds transactions. */
  private void startMining(Duration interval) {
    miner =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "demo-regtest-miner");
              t.setDaemon(true);
              return t;
            });
    miner.scheduleWithFixedDelay(
        () -> {
          try {
            if (regtest.mempoolSize() > 0) {
              regtest.generateToAddress(1, minerAddress);
            }
          } catch (RuntimeException e) {
            log.warn("mining a regtest block failed; trying again: {}", e.getMessage());
          }
        },
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void stopMining() {
    if (miner != null) {
      miner.shutdownNow();
      try {
        miner.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Waits until the closing transactions and everything else the platform sent are mined: on
   * regtest by mining until the mempool is empty, elsewhere by waiting for the network's blocks;
   * books each block as a settlement pass would.
   *
   * @return the tip once they are mined
   */
  ChainHeader awaitMined(SettlementRuntime settlement, List<String> txids, PrintStream out)
      throws InterruptedException {
    stopMining();
    long deadline = System.nanoTime() + REGTEST_CLOSE_WAIT.toNanos();
    long nextNote = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (true) {
      if (regtest != null) {
        regtest.generateToAddress(1, minerAddress);
      }
      settlement.bookBlocks();
      List<String> waiting =
          txids.stream()
              .filter(txid -> chain.status(txid).state() != TxStatus.State.MINED)
              .toList();
      if (waiting.isEmpty() && (regtest == null || regtest.mempoolSize() == 0)) {
        return chain.tip();
      }
      if (regtest != null && System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "regtest did not mine "
                + waiting
                + " within "
                + REGTEST_CLOSE_WAIT.toSeconds()
                + " s (mempool "
                + regtest.mempoolSize()
                + ")");
      }
      if (regtest == null && System.nanoTime() > nextNote) {
        out.println(
            "  waiting for "
                + chain.network()
                + " to mine "
                + waiting.size()
                + " closing transaction(s)");
        nextNote = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      }
      Thread.sleep(regtest != null ? 100 : 5_000);
    }
  }

  /**
   * A transaction the demo made or the chain knows, for the fees of the transactions spending it.
   */
  Optional<Transaction> transaction(String txid) {
    Transaction funding = fundingTransactions.get(txid);
    if (funding != null) {
      return Optional.of(funding);
    }
    if (chain instanceof NodeRpcBackend node) {
      return node.rawTransaction(txid).map(Transaction::parse);
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    stopMining();
  }
}

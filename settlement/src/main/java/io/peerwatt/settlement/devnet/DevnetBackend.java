package io.peerwatt.settlement.devnet;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Signatures;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.keys.Network;
import io.peerwatt.protocol.keys.P2pkhAddress;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.DevnetControl;
import io.peerwatt.settlement.chain.TxStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded devnet chain: a BSV-rules ledger in this process, persisted in PostgreSQL (or kept
 * in memory), with blocks mined on demand or on a timer. Its network is {@value #NETWORK}; its
 * coins are devnet coins, not BSV money. Thread-safe (one lock around the ledger).
 */
public final class DevnetBackend implements ChainBackend, DevnetControl, AutoCloseable {
  /** The network name shown wherever devnet data appears. */
  public static final String NETWORK = "devnet";

  /**
   * Default relay policy: 50 sat/kB, outputs of at least 1 sat (BSV node defaults since 1.0.11
   * allow 1 sat).
   */
  public static final FeePolicy DEFAULT_POLICY = new FeePolicy(50, 1);

  private static final Logger LOG = LoggerFactory.getLogger(DevnetBackend.class);

  private final DevnetLedger ledger;
  private final DevnetStore store;
  private final Clock clock;
  private final PrivateKey genesisKey;
  private final byte[] genesisScript;
  private ScheduledExecutorService miner;

  private DevnetBackend(DevnetStore store, Clock clock, FeePolicy policy) {
    this.store = store;
    this.clock = clock;
    this.genesisKey = genesisKey();
    this.genesisScript = Script.p2pkh(genesisKey.publicKey().hash160()).bytes();
    this.ledger = new DevnetLedger(policy, genesisScript);
    restore(store.load());
    if (!ledger.hasGenesis()) {
      DevnetLedger.Mined genesis = ledger.mine(clock.instant().getEpochSecond());
      store.saveMined(genesis);
      LOG.info("devnet: genesis block {} created", genesis.block().header().hashHex());
    }
  }

  /** A devnet kept in memory only (tests, throwaway demos). */
  public static DevnetBackend inMemory(Clock clock, FeePolicy policy) {
    return new DevnetBackend(DevnetStore.NONE, clock, policy);
  }

  /**
   * A devnet persisted in the database's V8 tables; resumes the stored chain or creates its genesis
   * block.
   */
  public static DevnetBackend open(DSLContext db, Clock clock, FeePolicy policy) {
    return new DevnetBackend(new JdbcDevnetStore(db), clock, policy);
  }

  /**
   * The devnet genesis key: derived from a fixed phrase, so it is public knowledge. It holds the
   * faucet's devnet coins and receives block rewards.
   */
  public static PrivateKey genesisKey() {
    return PrivateKey.fromBytes(
        Hashes.sha256("peerwatt devnet genesis key".getBytes(StandardCharsets.US_ASCII)));
  }

  /**
   * An address as PeerWatt shows devnet addresses: with the network named, so nobody takes it for
   * BSV.
   */
  public static String label(P2pkhAddress address) {
    return NETWORK + ":" + address.encode();
  }

  /** The genesis key's address, labelled. */
  public static String genesisAddressLabel() {
    return label(genesisKey().publicKey().toAddress(Network.TESTNET));
  }

  private void restore(DevnetStore.Snapshot s) {
    for (byte[] raw : s.minedRawTxs()) {
      ledger.restoreTransaction(raw, false);
    }
    for (int i = 0; i < s.blocks().size(); i++) {
      ledger.apply(s.blocks().get(i), s.coinbases().get(i), List.of());
    }
    for (byte[] raw : s.mempoolRawTxs()) {
      ledger.restoreTransaction(raw, true);
    }
    for (Utxo u : s.utxos()) {
      ledger.restoreUtxo(u);
    }
    ledger.restoreMempoolSequence(s.lastMempoolSequence());
    if (!s.blocks().isEmpty()) {
      LOG.info(
          "devnet: resumed at height {} with {} mempool transactions",
          ledger.height(),
          ledger.mempoolSize());
    }
  }

  /**
   * Mines a block every {@code interval} (when the mempool is not empty) until {@link #close()}.
   */
  public synchronized void startMining(Duration interval) {
    if (miner != null) {
      throw new IllegalStateException("devnet mining timer already running");
    }
    miner =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "devnet-miner");
              t.setDaemon(true);
              return t;
            });
    miner.scheduleWithFixedDelay(
        this::mineIfPending, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void mineIfPending() {
    try {
      synchronized (this) {
        if (ledger.mempoolSize() == 0) {
          return;
        }
      }
      mineBlocks(1);
    } catch (RuntimeException e) {
      LOG.error("devnet: mining failed", e);
    }
  }

  @Override
  public String network() {
    return NETWORK;
  }

  @Override
  public synchronized BroadcastResult broadcast(byte[] rawTx) {
    DevnetLedger.Verdict verdict = ledger.accept(rawTx);
    if (verdict.accepted() != null) {
      store.saveAccepted(verdict.accepted());
    } else if (!verdict.result().isAccepted()) {
      LOG.debug(
          "devnet: rejected {}: {} {}",
          verdict.result().txid(),
          verdict.result().reason(),
          verdict.result().detail());
    }
    return verdict.result();
  }

  @Override
  public synchronized TxStatus status(String txid) {
    byte[] id;
    try {
      id = Transaction.txidFromHex(txid);
    } catch (FormatException e) {
      return TxStatus.unknown(txid);
    }
    return ledger.status(id);
  }

  @Override
  public synchronized Optional<ChainHeader> header(long height) {
    return height >= 0 && height <= ledger.height()
        ? Optional.of(ledger.header(height))
        : Optional.empty();
  }

  @Override
  public synchronized List<ChainHeader> headers(long fromHeight, int count) {
    List<ChainHeader> out = new ArrayList<>();
    for (long h = Math.max(0, fromHeight); h <= ledger.height() && out.size() < count; h++) {
      out.add(ledger.header(h));
    }
    return out;
  }

  @Override
  public synchronized ChainHeader tip() {
    return ledger.tip();
  }

  @Override
  public FeePolicy feePolicy() {
    return ledger.policy();
  }

  /** The raw form of a transaction the devnet knows (mined or in the mempool). */
  public synchronized Optional<byte[]> rawTransaction(String txid) {
    return Optional.ofNullable(ledger.rawTx(Transaction.txidFromHex(txid)));
  }

  /** The txids (display hex) of the block at {@code height}, coinbase first. */
  public synchronized List<String> blockTxids(long height) {
    return ledger.block(height).txids().stream().map(Transaction::txidToHex).toList();
  }

  @Override
  public List<ChainHeader> mineBlocks(int count) {
    List<ChainHeader> mined = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      synchronized (this) {
        DevnetLedger.Mined block = ledger.mine(clock.instant().getEpochSecond());
        store.saveMined(block);
        mined.add(block.block().header());
        LOG.debug(
            "devnet: mined block {} at height {} with {} transactions",
            block.block().header().hashHex(),
            block.block().header().height(),
            block.block().txids().size());
      }
    }
    return mined;
  }

  @Override
  public synchronized FaucetPayment faucet(byte[] lockingScript, long satoshis) {
    FeePolicy policy = ledger.policy();
    if (satoshis < Math.max(1, policy.dustLimitSats())) {
      throw new IllegalArgumentException(
          "faucet amount " + satoshis + " sat is below the dust limit");
    }
    long nextHeight = ledger.height() + 1;
    Utxo source =
        ledger.unspentPaying(genesisScript).stream()
            .filter(
                u ->
                    !u.isCoinbase()
                        || u.coinbaseHeight() == 0
                        || nextHeight - u.coinbaseHeight() >= DevnetLedger.COINBASE_MATURITY)
            .max(Comparator.comparingLong(u -> u.output().satoshis()))
            .orElseThrow(() -> new IllegalStateException("devnet faucet is empty"));
    // the fee is priced on the size with the largest possible signature (73 bytes with its type
    // byte)
    byte[] largestUnlock = Script.p2pkhUnlock(new byte[73], genesisKey.publicKey().bytes()).bytes();
    TxInput sized =
        new TxInput(
            source.outpoint().txid(),
            source.outpoint().index(),
            largestUnlock,
            TxInput.SEQUENCE_FINAL);
    long fee =
        policy.feeFor(
            new Transaction(
                    1,
                    List.of(sized),
                    List.of(new TxOutput(satoshis, lockingScript), new TxOutput(1, genesisScript)),
                    0)
                .size());
    long change = source.output().satoshis() - satoshis - fee;
    if (change < policy.dustLimitSats()) {
      throw new IllegalStateException(
          "devnet faucet cannot pay " + satoshis + " sat from its largest output");
    }
    TxInput in =
        new TxInput(
            source.outpoint().txid(),
            source.outpoint().index(),
            new byte[0],
            TxInput.SEQUENCE_FINAL);
    Transaction unsigned =
        new Transaction(
            1,
            List.of(in),
            List.of(new TxOutput(satoshis, lockingScript), new TxOutput(change, genesisScript)),
            0);
    byte[] sig =
        Signatures.signAllForkId(
            genesisKey, unsigned, 0, genesisScript, source.output().satoshis());
    Transaction signed =
        unsigned.withUnlockingScript(
            0, Script.p2pkhUnlock(sig, genesisKey.publicKey().bytes()).bytes());
    BroadcastResult result = broadcast(signed.serialize());
    if (!result.isAccepted()) {
      throw new IllegalStateException(
          "devnet faucet transaction rejected: " + result.reason() + " " + result.detail());
    }
    return new FaucetPayment(signed.serialize(), signed.txidHex(), 0, satoshis);
  }

  /** Stops the mining timer, if any. */
  @Override
  public synchronized void close() {
    if (miner != null) {
      miner.shutdownNow();
      miner = null;
    }
  }
}

package io.peerwatt.settlement.devnet;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.Interpreter;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.ScriptFlags;
import io.peerwatt.protocol.bsv.ScriptResult;
import io.peerwatt.protocol.bsv.Sighash;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.protocol.spv.BitcoinMerkle;
import io.peerwatt.protocol.spv.Bump;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.RejectReason;
import io.peerwatt.settlement.chain.TxStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The devnet's consensus and policy rules as a pure state machine: a UTXO set, a mempool and a
 * chain of blocks. Transactions are checked as a post-Genesis BSV node would (scripts through
 * protocol's interpreter with {@link ScriptFlags#POST_GENESIS_STANDARD}, double spends, values,
 * coinbase maturity, lock-time finality against the next height and the median time past, fee and
 * dust policy); blocks carry real headers whose proof of work needs about 2^16 hashes. Time comes
 * in as arguments; nothing here does I/O. Not thread-safe: {@link DevnetBackend} serialises access.
 */
final class DevnetLedger {
  /** Devnet satoshis paid to the genesis key in block 0: the faucet's reserve (not BSV money). */
  static final long PREMINE_SATS = 1_000_000_000_000_000L;

  static final long BLOCK_SUBSIDY_SATS = 50_0000_0000L;
  static final int COINBASE_MATURITY = 100;
  static final long MAX_MONEY_SATS = 21_000_000L * 100_000_000L;

  /** nLockTime values below this are block heights, the rest Unix times (as in the node). */
  static final long LOCKTIME_THRESHOLD = 500_000_000L;

  private static final int MEDIAN_TIME_SPAN = 11;

  private final FeePolicy policy;
  private final byte[] minerLockingScript;
  private final List<DevnetBlock> blocks = new ArrayList<>();
  private final Map<Key, byte[]> rawTxs = new HashMap<>();

  /** Where each mined transaction sits: block height and index. */
  private final Map<Key, long[]> minedAt = new HashMap<>();

  private final LinkedHashMap<Key, Transaction> mempool = new LinkedHashMap<>();
  private final Map<Outpoint, Utxo> utxos = new HashMap<>();
  private final Map<Outpoint, Key> spentBy = new HashMap<>();
  private long mempoolSequence;

  /** A txid (internal order) usable as a map key. */
  record Key(byte[] id) {
    Key {
      id = id.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(id, k.id);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(id);
    }
  }

  /** A transaction accepted into the mempool, with what it changed in the UTXO set. */
  record Accepted(
      byte[] txid, byte[] rawTx, long mempoolSequence, List<Outpoint> spent, List<Utxo> created) {}

  /** A block just mined, with its coinbase and the coinbase's outputs. */
  record Mined(DevnetBlock block, byte[] coinbaseRaw, List<Utxo> coinbaseOutputs) {}

  /** A broadcast's verdict, and the change to persist when accepted. */
  record Verdict(BroadcastResult result, Accepted accepted) {}

  DevnetLedger(FeePolicy policy, byte[] minerLockingScript) {
    this.policy = policy;
    this.minerLockingScript = minerLockingScript.clone();
  }

  FeePolicy policy() {
    return policy;
  }

  boolean hasGenesis() {
    return !blocks.isEmpty();
  }

  long height() {
    return blocks.size() - 1L;
  }

  ChainHeader tip() {
    return blocks.get(blocks.size() - 1).header();
  }

  ChainHeader header(long height) {
    return blocks.get((int) height).header();
  }

  DevnetBlock block(long height) {
    return blocks.get((int) height);
  }

  List<Utxo> unspentPaying(byte[] lockingScript) {
    List<Utxo> out = new ArrayList<>();
    for (Utxo u : utxos.values()) {
      if (Arrays.equals(u.output().lockingScript(), lockingScript)) {
        out.add(u);
      }
    }
    return out;
  }

  int mempoolSize() {
    return mempool.size();
  }

  byte[] rawTx(byte[] txid) {
    byte[] raw = rawTxs.get(new Key(txid));
    return raw == null ? null : raw.clone();
  }

  /** Median of the last eleven block times (BIP 113), the clock lock times are judged by. */
  long medianTimePast() {
    int n = Math.min(MEDIAN_TIME_SPAN, blocks.size());
    long[] times = new long[n];
    for (int i = 0; i < n; i++) {
      times[i] = blocks.get(blocks.size() - 1 - i).header().time();
    }
    Arrays.sort(times);
    return times[n / 2];
  }

  // ---------------------------------------------------------------------------------------------
  // Transactions

  /** Checks a serialized transaction and, when valid, adds it to the mempool. */
  Verdict accept(byte[] raw) {
    Transaction tx;
    try {
      tx = Transaction.parse(raw);
    } catch (FormatException e) {
      return new Verdict(
          BroadcastResult.rejected("", RejectReason.MALFORMED, e.getMessage()), null);
    }
    byte[] txid = tx.txid();
    String txidHex = tx.txidHex();
    Key key = new Key(txid);
    if (rawTxs.containsKey(key)) {
      return new Verdict(BroadcastResult.alreadyKnown(txidHex), null);
    }
    BroadcastResult rejection = check(tx, txidHex);
    if (rejection != null) {
      return new Verdict(rejection, null);
    }
    List<Outpoint> spent = new ArrayList<>();
    for (TxInput in : tx.inputs()) {
      Outpoint op = new Outpoint(in.prevTxid(), in.prevIndex());
      utxos.remove(op);
      spentBy.put(op, key);
      spent.add(op);
    }
    List<Utxo> created = outputsOf(txid, tx, -1);
    for (Utxo u : created) {
      utxos.put(u.outpoint(), u);
    }
    rawTxs.put(key, raw.clone());
    mempool.put(key, tx);
    mempoolSequence++;
    return new Verdict(
        BroadcastResult.accepted(txidHex),
        new Accepted(txid, raw.clone(), mempoolSequence, spent, created));
  }

  private BroadcastResult check(Transaction tx, String txidHex) {
    if (tx.inputs().isEmpty() || tx.outputs().isEmpty()) {
      return BroadcastResult.rejected(
          txidHex, RejectReason.MALFORMED, "transaction needs inputs and outputs");
    }
    if (tx.isCoinbase()) {
      return BroadcastResult.rejected(
          txidHex, RejectReason.MALFORMED, "a coinbase is only valid in a block");
    }
    long valueOut = 0;
    for (int i = 0; i < tx.outputs().size(); i++) {
      TxOutput o = tx.outputs().get(i);
      if (o.satoshis() < 0 || o.satoshis() > MAX_MONEY_SATS) {
        return BroadcastResult.rejected(
            txidHex, RejectReason.VALUE_OUT_OF_RANGE, "output " + i + " value " + o.satoshis());
      }
      valueOut += o.satoshis();
      if (valueOut > MAX_MONEY_SATS) {
        return BroadcastResult.rejected(
            txidHex, RejectReason.VALUE_OUT_OF_RANGE, "total output value too large");
      }
      boolean data = Script.of(o.lockingScript()).isOpReturnData();
      if (!data && o.satoshis() < policy.dustLimitSats()) {
        return BroadcastResult.rejected(
            txidHex,
            RejectReason.DUST,
            "output "
                + i
                + " carries "
                + o.satoshis()
                + " sat, dust limit "
                + policy.dustLimitSats());
      }
    }
    List<Utxo> spending = new ArrayList<>();
    Map<Outpoint, Integer> seen = new HashMap<>();
    for (int i = 0; i < tx.inputs().size(); i++) {
      TxInput in = tx.inputs().get(i);
      Outpoint op = new Outpoint(in.prevTxid(), in.prevIndex());
      if (seen.put(op, i) != null) {
        return BroadcastResult.rejected(
            txidHex, RejectReason.MALFORMED, "input " + i + " repeats outpoint " + op);
      }
      Utxo u = utxos.get(op);
      if (u == null) {
        Key conflict = spentBy.get(op);
        if (conflict != null) {
          return BroadcastResult.rejected(
              txidHex,
              RejectReason.DOUBLE_SPEND,
              "input "
                  + i
                  + " spends "
                  + op
                  + ", already spent by "
                  + Transaction.txidToHex(conflict.id()));
        }
        return BroadcastResult.rejected(
            txidHex, RejectReason.MISSING_INPUTS, "input " + i + " spends unknown " + op);
      }
      if (u.isCoinbase()
          && u.coinbaseHeight() > 0
          && height() + 1 - u.coinbaseHeight() < COINBASE_MATURITY) {
        return BroadcastResult.rejected(
            txidHex,
            RejectReason.IMMATURE_COINBASE,
            "input " + i + " spends the coinbase of block " + u.coinbaseHeight());
      }
      spending.add(u);
    }
    if (!isFinal(tx, height() + 1, medianTimePast())) {
      return BroadcastResult.rejected(
          txidHex,
          RejectReason.NON_FINAL,
          "lock time "
              + tx.lockTime()
              + " not reached (next height "
              + (height() + 1)
              + ", median time past "
              + medianTimePast()
              + ")");
    }
    long valueIn = 0;
    for (Utxo u : spending) {
      valueIn += u.output().satoshis();
    }
    if (valueIn < valueOut) {
      return BroadcastResult.rejected(
          txidHex,
          RejectReason.VALUE_OUT_OF_RANGE,
          "outputs " + valueOut + " sat exceed inputs " + valueIn + " sat");
    }
    long fee = valueIn - valueOut;
    long size = tx.size();
    long minFee = policy.feeFor(size);
    if (fee < minFee) {
      return BroadcastResult.rejected(
          txidHex,
          RejectReason.FEE_TOO_LOW,
          "fee "
              + fee
              + " sat below "
              + minFee
              + " sat ("
              + policy.satoshisPerKb()
              + " sat/kB x "
              + size
              + " bytes)");
    }
    Sighash cache = Sighash.of(tx);
    for (int i = 0; i < spending.size(); i++) {
      ScriptResult r =
          Interpreter.verifyInput(
              tx, i, spending.get(i).output(), ScriptFlags.POST_GENESIS_STANDARD, cache);
      if (!r.ok()) {
        return BroadcastResult.rejected(
            txidHex,
            RejectReason.INVALID_SCRIPT,
            "input " + i + ": " + r.error() + " (" + r.message() + ")");
      }
    }
    return null;
  }

  /**
   * The node's IsFinalTx: final when the lock time is 0, below the height (height lock) or the time
   * (time lock) it is judged at, or when every input's sequence is final.
   */
  static boolean isFinal(Transaction tx, long blockHeight, long blockTime) {
    long lockTime = tx.lockTime();
    if (lockTime == 0) {
      return true;
    }
    long reference = lockTime < LOCKTIME_THRESHOLD ? blockHeight : blockTime;
    if (lockTime < reference) {
      return true;
    }
    for (TxInput in : tx.inputs()) {
      if (in.sequence() != TxInput.SEQUENCE_FINAL) {
        return false;
      }
    }
    return true;
  }

  private static List<Utxo> outputsOf(byte[] txid, Transaction tx, long coinbaseHeight) {
    List<Utxo> out = new ArrayList<>();
    for (int i = 0; i < tx.outputs().size(); i++) {
      TxOutput o = tx.outputs().get(i);
      if (!Script.of(o.lockingScript()).isOpReturnData()) {
        out.add(new Utxo(new Outpoint(txid, i), o, coinbaseHeight));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Blocks

  /**
   * Mines the next block with every mempool transaction (they are in acceptance order, so parents
   * come first). The header's time is {@code nowSeconds}, but always after the median time past.
   */
  Mined mine(long nowSeconds) {
    long newHeight = blocks.size();
    long fees = 0;
    for (Transaction tx : mempool.values()) {
      fees += feeOf(tx);
    }
    long reward = newHeight == 0 ? PREMINE_SATS : Math.addExact(BLOCK_SUBSIDY_SATS, fees);
    Transaction coinbase = coinbase(newHeight, reward);
    byte[] coinbaseTxid = coinbase.txid();
    List<byte[]> txids = new ArrayList<>();
    txids.add(coinbaseTxid);
    for (Key k : mempool.keySet()) {
      txids.add(k.id());
    }
    byte[] prev = blocks.isEmpty() ? new byte[32] : tip().hash();
    long time = blocks.isEmpty() ? nowSeconds : Math.max(nowSeconds, medianTimePast() + 1);
    byte[] header = DevnetProofOfWork.solve(prev, BitcoinMerkle.root(txids), time);
    DevnetBlock block = new DevnetBlock(new ChainHeader(newHeight, header), txids);
    List<Utxo> coinbaseOutputs = outputsOf(coinbaseTxid, coinbase, newHeight);
    apply(block, coinbase.serialize(), coinbaseOutputs);
    return new Mined(block, coinbase.serialize(), coinbaseOutputs);
  }

  private long feeOf(Transaction tx) {
    // inputs of mempool transactions are known: they were checked on acceptance
    long in = 0;
    for (TxInput i : tx.inputs()) {
      byte[] parentRaw = rawTxs.get(new Key(i.prevTxid()));
      in += Transaction.parse(parentRaw).outputs().get((int) i.prevIndex()).satoshis();
    }
    long out = 0;
    for (TxOutput o : tx.outputs()) {
      out += o.satoshis();
    }
    return in - out;
  }

  private Transaction coinbase(long height, long reward) {
    byte[] heightBytes = ByteBuffer.allocate(8).putLong(Long.reverseBytes(height)).array();
    int len = 8;
    while (len > 1 && heightBytes[len - 1] == 0) {
      len--;
    }
    byte[] heightNum = Arrays.copyOf(heightBytes, len);
    if ((heightNum[len - 1] & 0x80) != 0) {
      heightNum = Arrays.copyOf(heightNum, len + 1);
    }
    ByteWriter script = new ByteWriter();
    script.write(Script.minimalPush(heightNum));
    script.write(Script.minimalPush("peerwatt devnet".getBytes(StandardCharsets.US_ASCII)));
    TxInput in =
        new TxInput(new byte[32], 0xFFFF_FFFFL, script.toByteArray(), TxInput.SEQUENCE_FINAL);
    return new Transaction(1, List.of(in), List.of(new TxOutput(reward, minerLockingScript)), 0);
  }

  /** Records a block (mined here or loaded from storage) and its effects. */
  void apply(DevnetBlock block, byte[] coinbaseRaw, List<Utxo> coinbaseOutputs) {
    long height = blocks.size();
    blocks.add(block);
    Key coinbaseKey = new Key(block.txids().get(0));
    rawTxs.put(coinbaseKey, coinbaseRaw.clone());
    for (int i = 0; i < block.txids().size(); i++) {
      Key k = new Key(block.txids().get(i));
      minedAt.put(k, new long[] {height, i});
      mempool.remove(k);
    }
    for (Utxo u : coinbaseOutputs) {
      utxos.put(u.outpoint(), u);
    }
  }

  /** Restores a transaction from storage (mined or in the mempool) without re-checking it. */
  void restoreTransaction(byte[] raw, boolean inMempool) {
    Transaction tx = Transaction.parse(raw);
    Key key = new Key(tx.txid());
    rawTxs.put(key, raw.clone());
    if (!tx.isCoinbase()) {
      for (TxInput in : tx.inputs()) {
        spentBy.put(new Outpoint(in.prevTxid(), in.prevIndex()), key);
      }
    }
    if (inMempool) {
      mempool.put(key, tx);
      mempoolSequence++;
    }
  }

  /** Restores the persisted UTXO set. */
  void restoreUtxo(Utxo utxo) {
    utxos.put(utxo.outpoint(), utxo);
  }

  void restoreMempoolSequence(long sequence) {
    mempoolSequence = Math.max(mempoolSequence, sequence);
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  TxStatus status(byte[] txid) {
    Key key = new Key(txid);
    String hex = Transaction.txidToHex(txid);
    long[] at = minedAt.get(key);
    if (at != null) {
      DevnetBlock block = blocks.get((int) at[0]);
      Bump path = Bump.fromBlock(at[0], block.txids(), List.of((int) at[1]));
      return TxStatus.mined(hex, block.header().hashHex(), at[0], path);
    }
    return mempool.containsKey(key) ? TxStatus.mempool(hex) : TxStatus.unknown(hex);
  }
}

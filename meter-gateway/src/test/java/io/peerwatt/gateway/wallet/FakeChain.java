package io.peerwatt.gateway.wallet;

import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.Interpreter;
import io.peerwatt.protocol.bsv.ScriptFlags;
import io.peerwatt.protocol.bsv.ScriptResult;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chain as the fake hub's "broadcast" sees it: a UTXO set that accepts a transaction only when
 * every input spends an unspent output, passes the protocol's interpreter under {@link
 * ScriptFlags#POST_GENESIS_STANDARD}, the transaction is final at the next block (nLockTime) and it
 * pays at least the policy's fee. Nothing leaves the test; coins the test needs are minted out of
 * thin air.
 */
final class FakeChain {
  /** An outpoint: display txid and output index. */
  record Outpoint(String txid, long index) {
    static Outpoint of(TxInput in) {
      return new Outpoint(in.prevTxidHex(), in.prevIndex());
    }
  }

  private final FeePolicy policy;
  private final SecureRandom random = new SecureRandom();
  private final Map<Outpoint, TxOutput> unspent = new LinkedHashMap<>();
  private final Map<String, Transaction> accepted = new LinkedHashMap<>();
  private long tipHeight;

  FakeChain(FeePolicy policy, long tipHeight) {
    this.policy = policy;
    this.tipHeight = tipHeight;
  }

  synchronized long tipHeight() {
    return tipHeight;
  }

  synchronized void setTipHeight(long height) {
    this.tipHeight = height;
  }

  /**
   * A made-up coin paying {@code script}: a txid nobody can spend twice, since it exists only here.
   */
  synchronized Outpoint mint(byte[] script, long satoshis) {
    byte[] txid = new byte[32];
    random.nextBytes(txid);
    Outpoint o = new Outpoint(Transaction.txidToHex(txid), 0);
    unspent.put(o, new TxOutput(satoshis, script));
    return o;
  }

  /**
   * Why {@code tx} cannot be mined in the next block, or empty when it can (a known transaction
   * can).
   */
  synchronized Optional<String> check(Transaction tx) {
    return check(tx, tipHeight + 1);
  }

  /** As {@link #check(Transaction)} for a block at {@code height}. */
  synchronized Optional<String> check(Transaction tx, long height) {
    if (accepted.containsKey(tx.txidHex())) {
      return Optional.empty();
    }
    long in = 0;
    boolean nonFinalInput = false;
    for (int i = 0; i < tx.inputs().size(); i++) {
      TxInput input = tx.inputs().get(i);
      TxOutput spent = unspent.get(Outpoint.of(input));
      if (spent == null) {
        return Optional.of(
            "input "
                + i
                + " spends "
                + input.prevTxidHex()
                + ":"
                + input.prevIndex()
                + ", which is not an unspent output");
      }
      ScriptResult script =
          Interpreter.verifyInput(tx, i, spent, ScriptFlags.POST_GENESIS_STANDARD);
      if (!script.ok()) {
        return Optional.of("input " + i + " fails the interpreter: " + script);
      }
      in += spent.satoshis();
      nonFinalInput |= input.sequence() != TxInput.SEQUENCE_FINAL;
    }
    // nLockTime binds when an input is not final: a height lock must be below the block's height
    if (nonFinalInput
        && tx.lockTime() != 0
        && tx.lockTime() < 500_000_000L
        && tx.lockTime() >= height) {
      return Optional.of("non-final: lock time " + tx.lockTime() + ", block height " + height);
    }
    long out = tx.outputs().stream().mapToLong(TxOutput::satoshis).sum();
    if (in - out < policy.feeFor(tx.size())) {
      return Optional.of(
          "fee " + (in - out) + " sat below the " + policy.feeFor(tx.size()) + " sat policy");
    }
    return Optional.empty();
  }

  /** Mines {@code tx} into the UTXO set; throws with the reason when {@link #check} refuses it. */
  synchronized void broadcast(Transaction tx) {
    Optional<String> refused = check(tx);
    if (refused.isPresent()) {
      throw new IllegalStateException(refused.get());
    }
    if (accepted.containsKey(tx.txidHex())) {
      return;
    }
    for (TxInput input : tx.inputs()) {
      unspent.remove(Outpoint.of(input));
    }
    for (int i = 0; i < tx.outputs().size(); i++) {
      unspent.put(new Outpoint(tx.txidHex(), i), tx.outputs().get(i));
    }
    accepted.put(tx.txidHex(), tx);
  }

  synchronized boolean isAccepted(String txidHex) {
    return accepted.containsKey(txidHex);
  }

  /** Every accepted transaction, in order. */
  synchronized List<Transaction> accepted() {
    return new ArrayList<>(accepted.values());
  }

  /** The unspent outputs paying {@code script}. */
  synchronized Map<Outpoint, Long> unspentTo(byte[] script) {
    Map<Outpoint, Long> out = new LinkedHashMap<>();
    unspent.forEach(
        (o, txo) -> {
          if (java.util.Arrays.equals(txo.lockingScript(), script)) {
            out.put(o, txo.satoshis());
          }
        });
    return out;
  }
}

package io.peerwatt.protocol.bsv;

import io.peerwatt.protocol.keys.PrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Builds and signs a transaction that spends P2PKH coins of one key: the coin selection, change and
 * fee rules the hub wallet and a gateway's wallet share. Pure.
 *
 * <ul>
 *   <li>Coins are taken confirmed first, then largest first, until they cover the outputs plus the
 *       fee (fewer inputs; chains of unconfirmed spends stay short).
 *   <li>The fee is the policy's rate over the serialized size with the largest signatures (73 bytes
 *       with the type byte), so the signed transaction never pays less than the policy asks.
 *   <li>Change goes last, to the key's own P2PKH script; change below the dust limit is folded into
 *       the fee rather than creating an unspendable output.
 *   <li>No output below the dust limit is accepted, except 0-value data (OP_RETURN) outputs.
 * </ul>
 */
public final class P2pkhSpend {
  /** A signature with its type byte is at most 73 bytes; size estimates assume the largest. */
  static final int MAX_SIGNATURE_BYTES = 73;

  private P2pkhSpend() {}

  /**
   * A spendable output of the key.
   *
   * @param txid creating transaction, internal byte order
   * @param index output index
   * @param satoshis value
   * @param confirmed whether the creating transaction is mined
   */
  public record Coin(byte[] txid, long index, long satoshis, boolean confirmed) {
    public Coin {
      if (txid.length != 32 || index < 0 || satoshis <= 0) {
        throw new IllegalArgumentException(
            "coin needs a 32-byte txid, index >= 0 and a positive value");
      }
      txid = txid.clone();
    }

    @Override
    public byte[] txid() {
      return txid.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Coin c
          && Arrays.equals(txid, c.txid)
          && index == c.index
          && satoshis == c.satoshis
          && confirmed == c.confirmed;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(txid) * 31 + Long.hashCode(index);
    }

    @Override
    public String toString() {
      return Transaction.txidToHex(txid)
          + ":"
          + index
          + " "
          + satoshis
          + " sat"
          + (confirmed ? "" : " unconfirmed");
    }
  }

  /**
   * A signed spend.
   *
   * @param transaction the signed transaction
   * @param inputs the coins it spends, in input order
   * @param feeSats the fee it pays
   * @param changeIndex the index of the change output, -1 when there is none
   */
  public record Spend(Transaction transaction, List<Coin> inputs, long feeSats, int changeIndex) {
    public Spend {
      inputs = List.copyOf(inputs);
    }
  }

  /** The coins do not cover the outputs plus the fee. */
  public static final class InsufficientFundsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InsufficientFundsException(String message) {
      super(message);
    }
  }

  /**
   * Selects coins of {@code key}, pays {@code outputs} (in order, change last) and signs every
   * input with SIGHASH_ALL|FORKID.
   *
   * @throws InsufficientFundsException when the coins cannot pay
   * @throws IllegalArgumentException when an output is below the dust limit
   */
  public static Spend build(
      PrivateKey key, List<Coin> candidates, List<TxOutput> outputs, FeePolicy policy) {
    Objects.requireNonNull(policy, "policy");
    byte[] ownScript = Script.p2pkh(key.publicKey().hash160()).bytes();
    long target = 0;
    for (TxOutput o : outputs) {
      if (o.satoshis() < policy.dustLimitSats() && !Script.of(o.lockingScript()).isOpReturnData()) {
        throw new IllegalArgumentException(
            "output of " + o.satoshis() + " sat is below the dust limit " + policy.dustLimitSats());
      }
      target = Math.addExact(target, o.satoshis());
    }
    List<Coin> ordered = new ArrayList<>(candidates);
    ordered.sort(
        Comparator.comparing((Coin c) -> !c.confirmed())
            .thenComparing(Comparator.comparingLong(Coin::satoshis).reversed()));
    List<Coin> selected = new ArrayList<>();
    long selectedSats = 0;
    for (Coin c : ordered) {
      selected.add(c);
      selectedSats = Math.addExact(selectedSats, c.satoshis());
      if (selectedSats
          >= target + policy.feeFor(estimateSize(key, selected.size(), outputs, false))) {
        break;
      }
    }
    long feeNoChange = policy.feeFor(estimateSize(key, selected.size(), outputs, false));
    if (selectedSats < target + feeNoChange) {
      throw new InsufficientFundsException(
          "need " + (target + feeNoChange) + " sat, " + selectedSats + " sat spendable");
    }
    long feeWithChange = policy.feeFor(estimateSize(key, selected.size(), outputs, true));
    long change = selectedSats - target - feeWithChange;
    List<TxOutput> finalOutputs = new ArrayList<>(outputs);
    int changeIndex = -1;
    long fee;
    if (change >= Math.max(1, policy.dustLimitSats())) {
      finalOutputs.add(new TxOutput(change, ownScript));
      changeIndex = finalOutputs.size() - 1;
      fee = feeWithChange;
    } else {
      fee = selectedSats - target;
    }
    List<TxInput> inputs = new ArrayList<>();
    for (Coin c : selected) {
      inputs.add(new TxInput(c.txid(), c.index(), new byte[0], TxInput.SEQUENCE_FINAL));
    }
    Transaction tx = new Transaction(1, inputs, finalOutputs, 0);
    for (int i = 0; i < selected.size(); i++) {
      byte[] sig = Signatures.signAllForkId(key, tx, i, ownScript, selected.get(i).satoshis());
      tx = tx.withUnlockingScript(i, Script.p2pkhUnlock(sig, key.publicKey().bytes()).bytes());
    }
    return new Spend(tx, selected, fee, changeIndex);
  }

  /**
   * Serialized size with the largest P2PKH unlocking scripts, and a P2PKH change output if asked.
   */
  private static int estimateSize(
      PrivateKey key, int inputCount, List<TxOutput> outputs, boolean withChange) {
    byte[] unlock =
        Script.p2pkhUnlock(new byte[MAX_SIGNATURE_BYTES], key.publicKey().bytes()).bytes();
    List<TxInput> ins = new ArrayList<>();
    for (int i = 0; i < inputCount; i++) {
      ins.add(new TxInput(new byte[32], 0, unlock, TxInput.SEQUENCE_FINAL));
    }
    List<TxOutput> outs = new ArrayList<>(outputs);
    if (withChange) {
      outs.add(new TxOutput(1, Script.p2pkh(key.publicKey().hash160()).bytes()));
    }
    return new Transaction(1, ins, outs, 0).size();
  }
}

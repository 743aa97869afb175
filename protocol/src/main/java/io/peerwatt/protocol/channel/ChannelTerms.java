package io.peerwatt.protocol.channel;

import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.keys.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What payer and payee agree on when a one-way (Spilman) channel opens. Both sides derive every
 * channel transaction from these terms, so a commitment is checked by rebuilding it.
 *
 * <ul>
 *   <li>Funding output: {@code capacitySats} to the bare multisig {@code OP_2 <payer> <payee> OP_2
 *       OP_CHECKMULTISIG} at {@code fundingTxid:fundingIndex}.
 *   <li>Refund: spends the funding with sequence 0xFFFFFFFE (non-final, so the lock time binds) and
 *       nLockTime = {@code expiryLockTime}; pays {@code capacitySats - feeSats} to {@code
 *       payerScript}.
 *   <li>Commitment for payee amount A: spends the funding (final sequence, lock time 0), pays A to
 *       {@code payeeScript} then {@code capacitySats - feeSats - A} to {@code payerScript}, the
 *       latter left out (folded into the fee) when below {@code dustLimitSats}.
 * </ul>
 *
 * @param channelId the channel's id, up to 64 characters
 * @param direction which way it pays
 * @param prosumerAccount the prosumer on the non-hub side (buyer or seller)
 * @param payerKey the payer's channel key
 * @param payeeKey the payee's channel key
 * @param payerScript where refund and payer change go
 * @param payeeScript where the payee's amount goes
 * @param capacitySats the funding output's value
 * @param feeSats the fee every commitment and the refund pay
 * @param dustLimitSats outputs below this are left out of commitments
 * @param expiryLockTime the refund's nLockTime: a block height (below 500,000,000) or a Unix time
 * @param fundingTxid funding transaction id, internal byte order
 * @param fundingIndex the funding output's index
 */
public record ChannelTerms(
    String channelId,
    ChannelDirection direction,
    String prosumerAccount,
    PublicKey payerKey,
    PublicKey payeeKey,
    byte[] payerScript,
    byte[] payeeScript,
    long capacitySats,
    long feeSats,
    long dustLimitSats,
    long expiryLockTime,
    byte[] fundingTxid,
    long fundingIndex) {

  /** Sequence of the refund input: not final, so that nLockTime applies. */
  public static final long REFUND_SEQUENCE = TxInput.SEQUENCE_FINAL - 1;

  public ChannelTerms {
    Objects.requireNonNull(channelId, "channelId");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(prosumerAccount, "prosumerAccount");
    if (channelId.isEmpty() || channelId.length() > 64) {
      throw new IllegalArgumentException("channel id must be 1..64 characters");
    }
    if (fundingTxid.length != 32) {
      throw new IllegalArgumentException("funding txid must be 32 bytes");
    }
    if (capacitySats <= 0 || feeSats < 0 || dustLimitSats < 0 || feeSats >= capacitySats) {
      throw new IllegalArgumentException("need capacity > fee >= 0 and dust limit >= 0");
    }
    if (expiryLockTime <= 0
        || expiryLockTime > 0xFFFF_FFFFL
        || fundingIndex < 0
        || fundingIndex > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("expiry and funding index must be uint32 (expiry > 0)");
    }
    payerScript = payerScript.clone();
    payeeScript = payeeScript.clone();
    fundingTxid = fundingTxid.clone();
  }

  @Override
  public byte[] payerScript() {
    return payerScript.clone();
  }

  @Override
  public byte[] payeeScript() {
    return payeeScript.clone();
  }

  @Override
  public byte[] fundingTxid() {
    return fundingTxid.clone();
  }

  /**
   * The same terms for another funding outpoint (the funding is built after the terms' keys are
   * known).
   */
  public ChannelTerms withFunding(byte[] txid, long index) {
    return new ChannelTerms(
        channelId,
        direction,
        prosumerAccount,
        payerKey,
        payeeKey,
        payerScript,
        payeeScript,
        capacitySats,
        feeSats,
        dustLimitSats,
        expiryLockTime,
        txid,
        index);
  }

  /** The funding output's locking script: 2-of-2 bare multisig, payer key first. */
  public byte[] fundingScript() {
    return fundingScript(payerKey, payeeKey);
  }

  /** The 2-of-2 bare multisig of these keys, payer first. */
  public static byte[] fundingScript(PublicKey payer, PublicKey payee) {
    return Script.multisig(2, List.of(payer.bytes(), payee.bytes())).bytes();
  }

  /** The largest payee amount a commitment can carry. */
  public long maxPayeeAmountSats() {
    return capacitySats - feeSats;
  }

  /** The unsigned refund transaction. */
  public Transaction refundTransaction() {
    TxInput in = new TxInput(fundingTxid, fundingIndex, new byte[0], REFUND_SEQUENCE);
    return new Transaction(
        1, List.of(in), List.of(new TxOutput(capacitySats - feeSats, payerScript)), expiryLockTime);
  }

  /** The unsigned commitment paying {@code payeeAmountSats} to the payee. */
  public Transaction commitmentTransaction(long payeeAmountSats) {
    if (payeeAmountSats <= 0 || payeeAmountSats > maxPayeeAmountSats()) {
      throw new IllegalArgumentException(
          "payee amount " + payeeAmountSats + " outside 1.." + maxPayeeAmountSats());
    }
    TxInput in = new TxInput(fundingTxid, fundingIndex, new byte[0], TxInput.SEQUENCE_FINAL);
    List<TxOutput> outs = new ArrayList<>(2);
    outs.add(new TxOutput(payeeAmountSats, payeeScript));
    long payerChange = capacitySats - feeSats - payeeAmountSats;
    if (payerChange >= Math.max(1, dustLimitSats)) {
      outs.add(new TxOutput(payerChange, payerScript));
    }
    return new Transaction(1, List.of(in), outs, 0);
  }

  /**
   * The unlocking script of the funding output: OP_0, payer signature, payee signature (the
   * script's key order).
   */
  public static byte[] multisigUnlock(byte[] payerSignature, byte[] payeeSignature) {
    return Script.multisigUnlock(List.of(payerSignature, payeeSignature)).bytes();
  }

  /**
   * The fee a commitment needs under {@code policy}: the rate over the largest serialized size a
   * fully signed commitment with these scripts can have (two 73-byte signatures, both outputs).
   */
  public static long commitmentFeeSats(FeePolicy policy, byte[] payerScript, byte[] payeeScript) {
    byte[] maxSig = new byte[73];
    TxInput in =
        new TxInput(new byte[32], 0, multisigUnlock(maxSig, maxSig), TxInput.SEQUENCE_FINAL);
    Transaction largest =
        new Transaction(
            1, List.of(in), List.of(new TxOutput(1, payeeScript), new TxOutput(1, payerScript)), 0);
    return policy.feeFor(largest.size());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChannelTerms t
        && channelId.equals(t.channelId)
        && direction == t.direction
        && prosumerAccount.equals(t.prosumerAccount)
        && payerKey.equals(t.payerKey)
        && payeeKey.equals(t.payeeKey)
        && Arrays.equals(payerScript, t.payerScript)
        && Arrays.equals(payeeScript, t.payeeScript)
        && capacitySats == t.capacitySats
        && feeSats == t.feeSats
        && dustLimitSats == t.dustLimitSats
        && expiryLockTime == t.expiryLockTime
        && Arrays.equals(fundingTxid, t.fundingTxid)
        && fundingIndex == t.fundingIndex;
  }

  @Override
  public int hashCode() {
    return channelId.hashCode() * 31 + Arrays.hashCode(fundingTxid);
  }

  @Override
  public String toString() {
    return "ChannelTerms["
        + channelId
        + " "
        + direction.code()
        + " "
        + capacitySats
        + " sat, fee "
        + feeSats
        + ", expiry "
        + expiryLockTime
        + ", funding "
        + Transaction.txidToHex(fundingTxid)
        + ":"
        + fundingIndex
        + ", payer "
        + HexFormat.of().formatHex(payerKey.bytes())
        + "]";
  }
}

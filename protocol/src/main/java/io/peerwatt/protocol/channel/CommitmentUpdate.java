package io.peerwatt.protocol.channel;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The message a payer sends to advance a channel: the new commitment and its signature.
 *
 * @param channelId the channel
 * @param sequence 1 for the first commitment, then +1 each time
 * @param payeeAmountSats the payee's cumulative amount in this commitment
 * @param rawTx the unsigned commitment transaction as the payer built it
 * @param payerSignature DER signature plus sighash byte (ALL|FORKID) for the funding input
 */
public record CommitmentUpdate(
    String channelId, long sequence, long payeeAmountSats, byte[] rawTx, byte[] payerSignature) {
  public CommitmentUpdate {
    rawTx = rawTx.clone();
    payerSignature = payerSignature.clone();
  }

  @Override
  public byte[] rawTx() {
    return rawTx.clone();
  }

  @Override
  public byte[] payerSignature() {
    return payerSignature.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CommitmentUpdate u
        && channelId.equals(u.channelId)
        && sequence == u.sequence
        && payeeAmountSats == u.payeeAmountSats
        && Arrays.equals(rawTx, u.rawTx)
        && Arrays.equals(payerSignature, u.payerSignature);
  }

  @Override
  public int hashCode() {
    return channelId.hashCode() * 31 + Long.hashCode(sequence);
  }

  @Override
  public String toString() {
    return "CommitmentUpdate["
        + channelId
        + " #"
        + sequence
        + " payee "
        + payeeAmountSats
        + " sat sig "
        + HexFormat.of().formatHex(payerSignature)
        + "]";
  }
}

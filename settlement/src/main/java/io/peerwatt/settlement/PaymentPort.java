package io.peerwatt.settlement;

/**
 * The payment step: moves a settlement payment over the payment channels. The channels side
 * implements it: for a positive amount the hub signs the next commitment of its hub -> prosumer
 * channel (adding {@code amountSat}); for a negative amount the prosumer's prosumer -> hub channel
 * must advance by {@code -amountSat}, signed by the prosumer's gateway after its {@code
 * PaymentCheck} in machine-to-machine mode, or by the custodial store. Calls block; an exception or
 * a pending outcome leaves the payment pending and it is offered again on the next dispatch, so an
 * implementation must be idempotent per payment id: it records its {@link ChannelTarget} in {@code
 * attempts} before signing and, when offered the payment again, first checks whether the channel
 * already reached it. Payments of one account in one direction are offered in order, and a later
 * one only after the earlier ones are paid or refused.
 */
public interface PaymentPort {

  /** Moves the payment, or says why it is refused or still pending. */
  PaymentOutcome send(SettlementPayment payment, PaymentAttempts attempts);
}

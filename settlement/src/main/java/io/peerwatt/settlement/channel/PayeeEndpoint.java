package io.peerwatt.settlement.channel;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.CommitmentUpdate;

/**
 * How a payer reaches the payee of a channel: in process (custodial store, tests) or over the
 * network (a seller's gateway, through an adapter the integrator provides).
 */
public interface PayeeEndpoint {

  /**
   * Asks the payee to accept a channel on {@code terms} whose funding is {@code funding} (not yet
   * broadcast) and to sign {@code refund}; returns the payee's signature.
   */
  ChannelResult<byte[]> openAndSignRefund(
      ChannelTerms terms, Transaction funding, Transaction refund);

  /** Delivers a commitment; an OK result means the payee persisted it (the acknowledgement). */
  ChannelResult<Long> deliver(CommitmentUpdate update);
}

package io.peerwatt.settlement.m2m;

import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.settlement.JdbcStatementStore;
import io.peerwatt.settlement.channel.HubChannels;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The buyer side of a gateway's payments: what the hub asks it to pay, the commitments it delivers
 * for exactly the dispatcher's target, and its refusals. The caller has checked that the gateway
 * owns the channel.
 */
final class GatewayDebits {
  private static final Logger log = LoggerFactory.getLogger(GatewayDebits.class);

  private final GatewayRegistry registry;
  private final GatewayPaymentStore payments;
  private final HubChannels hub;
  private final JdbcStatementStore statements;
  private final Clock clock;

  GatewayDebits(
      GatewayRegistry registry,
      GatewayPaymentStore payments,
      HubChannels hub,
      JdbcStatementStore statements,
      Clock clock) {
    this.registry = registry;
    this.payments = payments;
    this.hub = hub;
    this.statements = statements;
    this.clock = clock;
  }

  /**
   * Debits waiting for the gateway's signature: each with the channel and exact payee amount the
   * commitment must reach, and every version of the statement up to the one being paid (oldest
   * first), so the gateway can follow the chain from the version it checked before. A debit that
   * waits for the gateway to open a buyer channel comes with a null channel and target only;
   * refused ones are left out.
   */
  List<GatewayViews.PaymentRequest> paymentRequests(long accountId) {
    List<GatewayViews.PaymentRequest> requests = new ArrayList<>();
    for (GatewayPaymentStore.Debit d : payments.pendingDebits(accountId)) {
      if (registry.refusal(d.paymentId()).isPresent()) {
        continue;
      }
      // without an open channel the request names none: the gateway learns it must open one
      boolean payable = d.channelId() != null;
      List<Statement> versions =
          payable
              ? statements.versions(accountId, d.key()).stream()
                  .filter(s -> s.version() <= d.statementVersion())
                  .toList()
              : List.of();
      requests.add(
          new GatewayViews.PaymentRequest(
              d.paymentId(),
              d.amountSat(),
              d.key(),
              d.statementVersion(),
              d.channelId(),
              payable ? d.targetPayeeSats() : null,
              versions));
    }
    return requests;
  }

  /**
   * A commitment the gateway signed for payment {@code paymentId}: it must advance the payment's
   * channel to exactly the payment's target. The hub stores it before answering (the
   * acknowledgement); returns the satoshis the hub acknowledged.
   */
  long deliver(long accountId, String channelId, long paymentId, CommitmentUpdate update) {
    GatewayPaymentStore.Debit payment =
        payments
            .debit(accountId, paymentId)
            .orElseThrow(() -> GatewayRefusal.notFound("payment " + paymentId));
    if (payment.channelId() == null || !payment.channelId().equals(channelId)) {
      throw GatewayRefusal.conflict(
          "WRONG_CHANNEL",
          "payment "
              + paymentId
              + " is to be paid on "
              + (payment.channelId() == null ? "a channel not chosen yet" : payment.channelId()),
          "channelId");
    }
    if (!Long.valueOf(update.payeeAmountSats()).equals(payment.targetPayeeSats())) {
      throw GatewayRefusal.invalid(
          "WRONG_AMOUNT",
          "payment "
              + paymentId
              + " brings the channel to exactly "
              + payment.targetPayeeSats()
              + " sat, not "
              + update.payeeAmountSats(),
          "payeeAmountSats");
    }
    if (!channelId.equals(update.channelId())) {
      throw GatewayRefusal.invalid(
          "WRONG_CHANNEL", "the commitment names channel " + update.channelId(), "channelId");
    }
    ChannelResult<Long> accepted = hub.buyers().deliver(update);
    if (!accepted.isOk()) {
      throw GatewayRefusal.invalid(
          accepted.rejection().name(), accepted.detail(), "payerSignature");
    }
    return accepted.value();
  }

  /**
   * The gateway refuses to pay: the dispatcher marks the payment refused with the gateway's code.
   * Returns the code that stands (the first refusal's).
   */
  int refuse(long accountId, long paymentId, int code, String detail) {
    if (payments.debit(accountId, paymentId).isEmpty()) {
      throw GatewayRefusal.notFound("payment " + paymentId);
    }
    registry.refuse(paymentId, code, detail, clock.instant());
    log.warn(
        "the gateway of account {} refused payment {} ({}): {}",
        accountId,
        paymentId,
        code,
        detail);
    return registry.refusal(paymentId).orElseThrow().code();
  }
}

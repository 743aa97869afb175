package io.peerwatt.settlement.api;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelJson;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementJson;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.DevnetControl;
import io.peerwatt.settlement.channel.HubChannels;
import io.peerwatt.settlement.m2m.GatewayViews;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The JSON forms of the gateways' device API ({@code settlement/M2M-PAYMENTS.md}). */
public final class GatewayJson {
  private GatewayJson() {}

  /** {@code GET /gateway/wallet}: the hub's terms and the chain's state. */
  public static JsonObject info(GatewayViews.HubInfo i) {
    JsonObject out =
        new JsonObject()
            .put("deviceId", i.caller().deviceId())
            .put("accountId", i.caller().accountId())
            .put("zone", i.caller().zoneCode())
            .put("paymentMode", i.paymentMode())
            .put("network", i.network())
            .put("hubKey", i.hubKey().hex())
            .put("hubScript", StrictHex.encode(i.hubScript()))
            .put(
                "feePolicy",
                new JsonObject()
                    .put("satoshisPerKb", i.feePolicy().satoshisPerKb())
                    .put("dustLimitSats", i.feePolicy().dustLimitSats()))
            .put("tipHeight", i.tip().height())
            .put("tipTime", i.tip().time())
            .put("minChannelBlocks", HubChannels.MIN_BUYER_CHANNEL_BLOCKS)
            .put("channelLifetimeBlocks", i.terms().lifetimeBlocks())
            .put("closeMarginBlocks", i.terms().closeMarginBlocks())
            .put("faucet", i.faucet());
    i.wallet()
        .ifPresentOrElse(
            w ->
                out.put(
                    "wallet",
                    new JsonObject()
                        .put("channelKey", w.channelKey().hex())
                        .put("payoutScript", StrictHex.encode(w.payoutScript()))
                        .put("deviceId", w.deviceId())),
            () -> out.putNull("wallet"));
    return out;
  }

  public static JsonObject faucet(DevnetControl.FaucetPayment pay) {
    return new JsonObject()
        .put("txid", pay.txid())
        .put("rawTx", StrictHex.encode(pay.rawTx()))
        .put("outputIndex", pay.outputIndex())
        .put("satoshis", pay.satoshis());
  }

  public static JsonObject accepted(GatewayViews.AcceptedChannel a) {
    return new JsonObject()
        .put("channelId", a.channelId())
        .put("refundSignature", StrictHex.encode(a.refundSignature()));
  }

  public static JsonObject broadcast(BroadcastResult sent) {
    return new JsonObject().put("txid", sent.txid()).put("outcome", sent.outcome().name());
  }

  /** {@code GET /gateway/channels}: hub -> seller channels first, then buyer -> hub ones. */
  public static JsonObject channels(GatewayViews.ChannelsView view) {
    JsonArray items = new JsonArray();
    for (GatewayViews.SellerChannel s : view.sellerChannels()) {
      PayerChannel c = s.channel();
      JsonObject item =
          channel(c.channelId(), c.terms(), c.state().code(), c.sequence(), c.payeeAmountSats())
              .put("ackedSequence", s.ackedSequence())
              .put("closeRequested", s.closeRequested());
      s.proposedFunding().ifPresent(raw -> item.put("fundingTx", StrictHex.encode(raw)));
      CommitmentUpdate latest = c.latestUpdate();
      if (latest != null) {
        item.put("latest", new JsonObject(ChannelJson.update(latest)));
      }
      items.add(item);
    }
    for (GatewayViews.BuyerChannel b : view.buyerChannels()) {
      var c = b.channel();
      JsonObject item =
          channel(c.channelId(), c.terms(), c.state().code(), c.sequence(), c.payeeAmountSats());
      b.closingTx().ifPresent(tx -> item.put("closingTx", StrictHex.encode(tx.serialize())));
      items.add(item);
    }
    return new JsonObject().put("channels", items);
  }

  private static JsonObject channel(
      String channelId, ChannelTerms terms, String state, long sequence, long payeeAmountSats) {
    return new JsonObject()
        .put("channelId", channelId)
        .put("direction", terms.direction().code())
        .put("state", state)
        .put("terms", new JsonObject(ChannelJson.terms(terms)))
        .put("sequence", sequence)
        .put("payeeAmountSats", payeeAmountSats);
  }

  /** A hub -> seller channel the gateway's refund signature opened. */
  public static JsonObject opened(PayerChannel open) {
    return new JsonObject()
        .put("channelId", open.channelId())
        .put("state", open.state().code())
        .put("fundingTxid", Transaction.txidToHex(open.terms().fundingTxid()));
  }

  public static JsonObject acknowledged(String channelId, long ackedSequence) {
    return new JsonObject().put("channelId", channelId).put("ackedSequence", ackedSequence);
  }

  /** {@code GET /gateway/payment-requests}. */
  public static JsonObject paymentRequests(List<GatewayViews.PaymentRequest> requests) {
    JsonArray items = new JsonArray();
    for (GatewayViews.PaymentRequest r : requests) {
      if (r.channelId() == null) {
        items.add(
            new JsonObject()
                .put("paymentId", r.paymentId())
                .put("amountSat", r.amountSat())
                .putNull("channelId")
                .putNull("targetPayeeSats"));
        continue;
      }
      JsonArray versions = new JsonArray();
      for (Statement s : r.versions()) {
        versions.add(new JsonObject(StatementJson.toMap(s)));
      }
      items.add(
          new JsonObject()
              .put("paymentId", r.paymentId())
              .put("zone", r.key().zoneCode())
              .put("slot", r.key().slot().toString())
              .put("version", r.version())
              .put("amountSat", r.amountSat())
              .put("channelId", r.channelId())
              .put("targetPayeeSats", r.targetPayeeSats())
              .put("versions", versions));
    }
    return new JsonObject().put("requests", items);
  }

  public static JsonObject delivered(String channelId, long paymentId, long acknowledgedSats) {
    return new JsonObject()
        .put("channelId", channelId)
        .put("paymentId", paymentId)
        .put("acknowledgedSats", acknowledgedSats);
  }

  public static JsonObject refused(long paymentId, int refusalCode) {
    return new JsonObject().put("paymentId", paymentId).put("refusalCode", refusalCode);
  }

  public static JsonObject closed(GatewayViews.Closed c) {
    JsonObject out =
        new JsonObject().put("channelId", c.channelId()).put("state", c.state().code());
    return c.closingTxid() == null ? out : out.put("closingTxid", c.closingTxid());
  }

  public static JsonObject relayed(GatewayViews.Relayed r) {
    return new JsonObject()
        .put("channelId", r.channelId())
        .put("txid", r.sent().txid())
        .put("outcome", r.sent().outcome().name());
  }
}

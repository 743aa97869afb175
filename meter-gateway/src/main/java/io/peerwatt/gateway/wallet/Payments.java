package io.peerwatt.gateway.wallet;

import io.peerwatt.gateway.platform.PlatformClient;
import io.peerwatt.protocol.channel.ChannelJson;
import io.peerwatt.protocol.channel.ChannelRejection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.protocol.statement.PaymentCheck;
import io.peerwatt.protocol.statement.PaymentDecision;
import io.peerwatt.protocol.statement.ReadingRef;
import io.peerwatt.protocol.statement.RefusalReason;
import io.peerwatt.protocol.statement.SpendingCap;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.protocol.statement.StatementJson;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's payment requests: each statement version is checked with {@link PaymentCheck}
 * against the readings this gateway signed ({@link ReadingLedger}) and the owner's daily cap, then
 * paid with a commitment on the buyer -> hub channel for exactly the amount the versions imply, or
 * refused with a reason code. An answer is stored before it is sent, and resent until the platform
 * has it.
 */
final class Payments {
  private static final Logger log = LoggerFactory.getLogger(Payments.class);

  /** Readings this far around a slot are handed to the statement check (covers long gaps). */
  private static final Duration READINGS_AROUND_SLOT = Duration.ofHours(6);

  private final PrivateKey key;
  private final PlatformClient platform;
  private final WalletState state;
  private final ReadingLedger ledger;
  private final WalletConfig config;
  private final Clock clock;
  private final PaymentCheck check = new PaymentCheck();

  /** Told the gateway's own readings of each statement version checked (the light client). */
  private BiConsumer<Instant, List<ReadingRef>> statementReadings = (slot, readings) -> {};

  Payments(
      PrivateKey key,
      PlatformClient platform,
      WalletState state,
      ReadingLedger ledger,
      WalletConfig config,
      Clock clock) {
    this.key = key;
    this.platform = platform;
    this.state = state;
    this.ledger = ledger;
    this.config = config;
    this.clock = clock;
  }

  void auditStatementReadingsWith(BiConsumer<Instant, List<ReadingRef>> auditor) {
    this.statementReadings = auditor;
  }

  @SuppressWarnings("unchecked")
  List<Map<String, Object>> paymentRequests() throws IOException {
    List<Map<String, Object>> requests = new ArrayList<>();
    for (Object o : Json.array(platform.get("/gateway/payment-requests"), "requests")) {
      requests.add((Map<String, Object>) o);
    }
    return requests;
  }

  void payRequests(HubInfo i, List<Map<String, Object>> requests) throws IOException {
    for (Map<String, Object> request : requests) {
      if (request.get("channelId") == Json.NULL) {
        continue; // waits for the buyer channel this round opens
      }
      long paymentId = Json.integer(request, "paymentId");
      WalletState.Payment answered = state.payments.get(paymentId);
      if (answered != null) {
        resend(answered);
        continue;
      }
      List<Statement> versions = new ArrayList<>();
      for (Object v : Json.array(request, "versions")) {
        versions.add(StatementJson.read(Json.write(v)));
      }
      answer(i, paymentId, request, versions);
    }
  }

  /** Sends an answer whose delivery did not get through (a commitment, or a refusal). */
  private void resend(WalletState.Payment p) throws IOException {
    if (p.status() == WalletState.PaymentStatus.REFUSED && !p.refusalSent()) {
      sendRefusal(p);
    } else if (p.status() == WalletState.PaymentStatus.SIGNED) {
      WalletState.Payer payer = state.payers.get(p.channelId());
      CommitmentUpdate latest = payer.channel().latestUpdate();
      if (latest != null && latest.sequence() == p.sequence()) {
        deliver(p, latest);
      }
    }
  }

  private void answer(
      HubInfo i, long paymentId, Map<String, Object> request, List<Statement> versions)
      throws IOException {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    Statement target = versions.get(versions.size() - 1);
    Optional<Statement> previous =
        Optional.ofNullable(state.statements.get(WalletState.slotKey(target)));
    // versions after the one accounted before are checked in order; a credit or unchanged one is
    // taken on
    List<MeterSeries> own =
        ledger.series(
            i.deviceId(),
            target.slot().start().minus(READINGS_AROUND_SLOT),
            target.slot().end().plus(READINGS_AROUND_SLOT));
    for (Statement v : versions) {
      if (previous.isPresent() && v.version() <= previous.get().version()) {
        continue;
      }
      statementReadings.accept(
          v.slot().start(),
          v.readings().stream().filter(r -> r.deviceId() == i.deviceId()).toList());
      SpendingCap cap = new SpendingCap(config.spendingCapSatsPerDay(), state.spentOn(today));
      PaymentDecision decision = check.check(v, previous, i.accountId(), own, cap);
      if (!decision.approved()) {
        refuse(paymentId, decision.reason().code(), decision.detail(), today);
        return;
      }
      if (v != target) {
        if (decision.paySat() > 0) {
          refuse(
              paymentId,
              RefusalReason.NOT_FOR_THIS_ACCOUNT.code(),
              "version "
                  + v.version()
                  + " of "
                  + WalletState.slotKey(v)
                  + " asked for "
                  + decision.paySat()
                  + " sat that this gateway never paid",
              today);
          return;
        }
        state.statements.put(WalletState.slotKey(v), v);
        previous = Optional.of(v);
        continue;
      }
      long asked = -Json.integer(request, "amountSat");
      if (decision.paySat() != asked) {
        refuse(
            paymentId,
            RefusalReason.INCONSISTENT_STATEMENT.code(),
            "the platform asks "
                + asked
                + " sat, the statement versions imply "
                + decision.paySat()
                + " sat",
            today);
        return;
      }
      pay(
          paymentId,
          Json.string(request, "channelId"),
          Json.integer(request, "targetPayeeSats"),
          asked,
          v,
          today);
    }
  }

  private void pay(
      long paymentId,
      String channelId,
      long targetSats,
      long amountSat,
      Statement statement,
      LocalDate today)
      throws IOException {
    WalletState.Payer payer = state.payers.get(channelId);
    if (payer == null || payer.channel().state() != ChannelState.OPEN) {
      log.warn(
          "payment {} is asked on channel {}, which this wallet does not hold open; waiting",
          paymentId,
          channelId);
      return;
    }
    long current = payer.channel().payeeAmountSats();
    if (targetSats != current + amountSat) {
      log.warn(
          "payment {} of {} sat would bring {} to {} sat, but it stands at {} sat; waiting for the hub",
          paymentId,
          amountSat,
          channelId,
          targetSats,
          current);
      return;
    }
    ChannelResult<PayerChannel.Payment> signed = payer.channel().pay(targetSats, key);
    if (!signed.isOk()
        && signed.rejection() == ChannelRejection.EXCEEDS_CAPACITY
        && payer.channel().sequence() > 0) {
      // top up: the hub closes this channel, the next round opens a new one and the payment gets
      // its target there
      log.info(
          "payment {} does not fit into {} any more: asking the hub to close it",
          paymentId,
          channelId);
      platform.post("/gateway/channels/" + channelId + "/close", Map.of());
      return;
    }
    if (!signed.isOk()) {
      refuse(
          paymentId,
          RefusalReason.EXCEEDS_SPENDING_CAP.code(),
          signed.rejection() + ": " + signed.detail(),
          today);
      return;
    }
    WalletState.Payment record =
        new WalletState.Payment(
            paymentId,
            channelId,
            signed.value().update().sequence(),
            amountSat,
            WalletState.PaymentStatus.SIGNED,
            0,
            "",
            today,
            false);
    state.payers.put(
        channelId, new WalletState.Payer(signed.value().channel(), payer.fundingTx(), true));
    state.payments.put(paymentId, record);
    state.statements.put(WalletState.slotKey(statement), statement);
    state.save();
    log.info(
        "paying {} sat for {} version {} (statement {}) on {}",
        amountSat,
        WalletState.slotKey(statement),
        statement.version(),
        StatementCodec.hashHex(statement).substring(0, 16),
        channelId);
    deliver(record, signed.value().update());
  }

  private void deliver(WalletState.Payment p, CommitmentUpdate update) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>(ChannelJson.update(update));
    body.put("paymentId", p.paymentId());
    platform.post("/gateway/channels/" + update.channelId() + "/commitments", body);
    state.payments.put(p.paymentId(), p.acknowledged());
    state.save();
  }

  private void refuse(long paymentId, int code, String detail, LocalDate today) throws IOException {
    WalletState.Payment p =
        new WalletState.Payment(
            paymentId, "", 0, 0, WalletState.PaymentStatus.REFUSED, code, detail, today, false);
    state.payments.put(paymentId, p);
    state.save();
    log.error("REFUSED to pay payment {} ({}): {}", paymentId, code, detail);
    sendRefusal(p);
  }

  private void sendRefusal(WalletState.Payment p) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", (long) p.refusalCode());
    body.put(
        "detail",
        p.refusalDetail().length() > 300 ? p.refusalDetail().substring(0, 300) : p.refusalDetail());
    platform.post("/gateway/payments/" + p.paymentId() + "/refusal", body);
    state.payments.put(p.paymentId(), p.withRefusalSent());
    state.save();
  }
}

package io.peerwatt.protocol.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelJsonTest {
  private static final PrivateKey PAYER =
      PrivateKey.fromBytes(Hashes.sha256("payer".getBytes(StandardCharsets.US_ASCII)));
  private static final PrivateKey PAYEE =
      PrivateKey.fromBytes(Hashes.sha256("payee".getBytes(StandardCharsets.US_ASCII)));
  private static final ChannelTerms TERMS =
      new ChannelTerms(
          "gw7-1700000000000",
          ChannelDirection.BUYER_TO_HUB,
          "42",
          PAYER.publicKey(),
          PAYEE.publicKey(),
          Script.p2pkh(PAYER.publicKey().hash160()).bytes(),
          Script.p2pkh(PAYEE.publicKey().hash160()).bytes(),
          20_000_000,
          180,
          1,
          2_001,
          Hashes.sha256d("funding".getBytes(StandardCharsets.US_ASCII)),
          0);

  @Test
  void termsSurviveTheirJsonTextAndKeepTheDisplayTxid() {
    String text = Json.write(ChannelJson.terms(TERMS));
    ChannelTerms back = ChannelJson.readTerms(Json.parseObject(text));
    assertThat(back).isEqualTo(TERMS);
    assertThat(Json.parseObject(text).get("fundingTxid"))
        .isEqualTo(io.peerwatt.protocol.bsv.Transaction.txidToHex(TERMS.fundingTxid()));
    assertThat(back.refundTransaction()).isEqualTo(TERMS.refundTransaction());
  }

  @Test
  void anUnknownOrMissingMemberIsRefused() {
    Map<String, Object> extra = new LinkedHashMap<>(ChannelJson.terms(TERMS));
    extra.put("feeSat", 1L);
    assertThatThrownBy(() -> ChannelJson.readTerms(extra))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("feeSat");
    Map<String, Object> missing = new LinkedHashMap<>(ChannelJson.terms(TERMS));
    missing.remove("expiryLockTime");
    assertThatThrownBy(() -> ChannelJson.readTerms(missing))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("expiryLockTime");
    Map<String, Object> inconsistent = new LinkedHashMap<>(ChannelJson.terms(TERMS));
    inconsistent.put("feeSats", 20_000_000L);
    assertThatThrownBy(() -> ChannelJson.readTerms(inconsistent))
        .isInstanceOf(FormatException.class);
  }

  @Test
  void aCommitmentSurvivesItsJsonWithTheCallersOwnMembers() {
    PayeeChannel.RefundSignature refund =
        PayeeChannel.accept(TERMS).signRefund(TERMS.refundTransaction(), PAYEE).orThrow();
    PayerChannel open =
        PayerChannel.propose(TERMS, 1_000_000).acceptRefundSignature(refund.signature()).orThrow();
    CommitmentUpdate update = open.pay(12_345, PAYER).orThrow().update();
    Map<String, Object> json = new LinkedHashMap<>(ChannelJson.update(update));
    json.put("paymentId", 9L);
    CommitmentUpdate back = ChannelJson.readUpdate(Json.parseObject(Json.write(json)), "paymentId");
    assertThat(back).isEqualTo(update);
    assertThat(refund.channel().receive(back).isOk()).isTrue();
    assertThatThrownBy(() -> ChannelJson.readUpdate(json))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("paymentId");
  }
}

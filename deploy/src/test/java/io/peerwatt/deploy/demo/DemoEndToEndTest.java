package io.peerwatt.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.anchor.ProofBundle;
import io.peerwatt.protocol.anchor.ProofBundleVerifier;
import io.peerwatt.protocol.bsv.Interpreter;
import io.peerwatt.protocol.bsv.ScriptFlags;
import io.peerwatt.protocol.bsv.ScriptResult;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingCodec;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.spv.HeaderChain;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementLine;
import io.peerwatt.settlement.JdbcStatementStore;
import io.peerwatt.settlement.SlotKey;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short {@code peerwatt demo} end to end: three homes, two slots, high speed, on embedded
 * PostgreSQL and devnet. Checks what the platform stored and exported, not what the demo printed.
 */
class DemoEndToEndTest {

  @Test
  void threeHomesTwoSlotsMeterTradeSettlePayAndExportValidTransactions(@TempDir Path dir)
      throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    Map<String, Object> summary;
    PublicKey platformKey;
    HeaderChain headers;
    try (Demo demo = Demo.start(new Demo.Options(3, 1, 2, 180, 0, dir.resolve("data")), out)) {
      demo.printWelcome();
      demo.run();
      demo.closeChannels();
      summary = demo.summary();
      theFlexibilityEventWasAcceptedAndDelivered(demo, printed);
      demo.export(dir.resolve("out"));
      DSLContext dsl = demo.platform().database().dsl();
      platformKey = demo.platform().platformKey();
      ChainBackend chain = demo.platform().settlement().chain();
      List<BlockHeader> all = new java.util.ArrayList<>();
      for (ChainHeader h : chain.headers(0, (int) chain.tip().height() + 1)) {
        all.add(BlockHeader.parse(h.header()));
      }
      headers = new HeaderChain(0, all);

      everyReadingIsSignedByItsEnrolledDevice(dsl);
      tradesAreConsistentWithTheOrdersAndTheClearing(dsl);
      paymentsEqualTheStatementsAndTheChannels(dsl);
      machineToMachineHomesPaidOverTheirGatewaysOwnChannels(dsl);
    }
    assertThat(((Number) summary.get("readings")).longValue()).isPositive();
    assertThat(((Number) summary.get("trades")).longValue()).isPositive();
    assertThat(((Number) summary.get("statements")).longValue()).isPositive();
    assertThat(((Number) summary.get("channelUpdates")).longValue()).isPositive();
    assertThat(((Number) summary.get("channelsClosed")).longValue()).isPositive();
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("clearing").contains("closed ");
    // the research institute bought a day of hourly data from homes 1 and 3 through the code flow
    // with PKCE, paid over its channel; every grant's satoshis reconcile
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("research institute");
    assertThat(((Number) summary.get("dataGrants")).longValue()).isEqualTo(2);
    assertThat(((Number) summary.get("dataPaymentsSats")).longValue()).isPositive();
    assertThat(summary.get("dataPaymentsReconciled")).isEqualTo(true);

    everyExportedTransactionIsValidUnderTheInterpreter(
        dir.resolve("out").resolve("transactions.json"),
        ((Number) summary.get("transactions")).intValue());
    assertThat(Files.size(dir.resolve("out").resolve("transactions.beef"))).isPositive();
    assertThat(((Number) summary.get("anchors")).longValue()).isPositive();
    // the gateways, as light clients, verified some of their own readings on chain themselves
    assertThat(((Number) summary.get("readingsVerifiedByGateways")).longValue()).isPositive();
    assertThat(((Number) summary.get("gatewayAlarms")).longValue()).isZero();
    assertThat(((Number) summary.get("flexEvents")).longValue()).isEqualTo(1);
    assertThat((java.math.BigDecimal) summary.get("flexAcceptedKw")).isPositive();
    assertThat((java.math.BigDecimal) summary.get("flexDeliveredKw")).isPositive();
    assertThat(((Number) summary.get("flexPaymentsSats")).longValue()).isPositive();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("grid operator: OpenADR event")
        .contains("flexibility payments on the statements");
    everyExportedProofVerifiesAndATamperedOneFails(
        dir.resolve("out").resolve("proofs"), platformKey, headers);
    theReportReconciles(dir.resolve("out").resolve("report.json"));
  }

  /**
   * The grid operator's event: home 2 (the battery home of three) accepted, its gateway discharged
   * its battery over Modbus, its meter shows the delivery, never more than accepted, and its
   * statements pay it: what the demo reports equals every flexibility line of the run's statements.
   */
  private static void theFlexibilityEventWasAcceptedAndDelivered(
      Demo demo, ByteArrayOutputStream printed) {
    List<FlexibilityEvent.SlotResult> slots = demo.flexibility().results();
    String said = printed.toString(StandardCharsets.UTF_8);
    assertThat(slots).as(said).isNotEmpty();
    for (FlexibilityEvent.SlotResult slot : slots) {
      assertThat(slot.acceptedW()).as(said).isPositive();
      assertThat(slot.deliveredW()).as(said).isPositive();
      assertThat(slot.deliveredW()).as(said).isLessThanOrEqualTo(slot.acceptedW());
      assertThat(slot.paidSats()).as(said).isPositive();
    }
    // every FLEXIBILITY_DELIVERY line of every latest statement of the run: what the demo reports
    JdbcStatementStore store = new JdbcStatementStore(demo.platform().database().dsl());
    DSLContext dsl = demo.platform().database().dsl();
    long linesSats = 0;
    for (Record slot :
        dsl.fetch("select distinct zone_code, slot_start from settlement_statement")) {
      SlotKey key =
          new SlotKey(
              slot.get(0, String.class),
              new DeliverySlot(slot.get(1, java.time.OffsetDateTime.class).toInstant()));
      for (Statement statement : store.latestStatements(key).values()) {
        linesSats +=
            statement.lines().stream()
                .filter(l -> l.kind() == LineKind.FLEXIBILITY_DELIVERY)
                .mapToLong(StatementLine::amountSat)
                .sum();
      }
    }
    assertThat(linesSats).as(said).isPositive();
    assertThat(slots.stream().mapToLong(FlexibilityEvent.SlotResult::paidSats).sum())
        .isEqualTo(linesSats);
    assertThat(((Number) demo.summary().get("flexPaymentsSats")).longValue()).isEqualTo(linesSats);
    assertThat(demo.batteries())
        .singleElement()
        .satisfies(
            b ->
                assertThat(b.stateOfChargePermille())
                    .isLessThan(HomeBattery.START_STATE_OF_CHARGE_PERCENT * 10));
  }

  private static void everyExportedProofVerifiesAndATamperedOneFails(
      Path proofs, PublicKey platformKey, HeaderChain headers) throws Exception {
    List<Path> files;
    try (var list = Files.list(proofs)) {
      files = list.sorted().toList();
    }
    assertThat(files)
        .anyMatch(f -> f.toString().endsWith("-reading.json"))
        .anyMatch(f -> f.toString().endsWith("-trade.json"))
        .anyMatch(f -> f.toString().endsWith("-statement.json"));
    ProofBundleVerifier.Trust trust = new ProofBundleVerifier.Trust(platformKey, headers);
    for (Path f : files) {
      String json = Files.readString(f);
      assertThat(ProofBundleVerifier.verifyJson(json, trust).verified()).as(f.toString()).isTrue();
      byte[] bytes = ProofBundle.fromJson(Json.parseObject(json)).encode();
      // flip one bit of the salt region: the leaf no longer hashes to the anchored root
      bytes[bytes.length / 2] ^= 0x01;
      boolean verified;
      try {
        verified = ProofBundleVerifier.verify(bytes, trust).verified();
      } catch (RuntimeException malformed) {
        verified = false;
      }
      assertThat(verified).as("tampered " + f).isFalse();
    }
  }

  private static void theReportReconciles(Path reportJson) throws Exception {
    JsonNode report = new ObjectMapper().readTree(reportJson.toFile());
    assertThat(report.toString()).isNotEmpty();
    assertThat(report.path("totals").path("energyReconciles").asBoolean(false))
        .as(report.path("totals").toString())
        .isTrue();
    assertThat(report.path("totals").path("paymentsReconcile").asBoolean(false))
        .as(report.path("totals").toString())
        .isTrue();
    assertThat(report.path("totals").path("deliveredSoldWh").asLong()).isPositive();
  }

  private static void everyReadingIsSignedByItsEnrolledDevice(DSLContext dsl) {
    List<Record> rows =
        dsl.fetch(
            "select r.encoded, r.signature, r.reading_hash, d.public_key from reading r"
                + " join device d on d.id = r.device_id");
    assertThat(rows).isNotEmpty();
    for (Record row : rows) {
      MeterReading reading = ReadingCodec.decode(row.get(0, byte[].class));
      SignedReading signed = new SignedReading(reading, row.get(1, byte[].class));
      assertThat(signed.verify()).isEqualTo(SignatureCheck.VALID);
      assertThat(reading.hash()).isEqualTo(row.get(2, byte[].class));
      assertThat(reading.deviceKey().compressedBytes()).isEqualTo(row.get(3, byte[].class));
    }
  }

  private static void tradesAreConsistentWithTheOrdersAndTheClearing(DSLContext dsl) {
    List<Record> trades =
        dsl.fetch(
            "select t.quantity_wh, t.price_per_kwh, t.grid_fee_per_kwh,"
                + " b.limit_price_per_kwh, s.limit_price_per_kwh, b.quantity_wh, s.quantity_wh, c.price_per_kwh"
                + " from trade t join market_order b on b.id = t.buy_order_id join market_order s on s.id = t.sell_order_id"
                + " join clearing_result c on c.zone_code = t.zone_code and c.slot_start = t.slot_start");
    assertThat(trades).isNotEmpty();
    for (Record t : trades) {
      long quantity = t.get(0, Long.class);
      long price = t.get(1, Long.class);
      long fee = t.get(2, Long.class);
      assertThat(quantity)
          .isPositive()
          .isLessThanOrEqualTo(t.get(5, Long.class))
          .isLessThanOrEqualTo(t.get(6, Long.class));
      // a BUY's limit includes the grid fee; a SELL's limit is on the energy price alone
      assertThat(price + fee).isLessThanOrEqualTo(t.get(3, Long.class));
      assertThat(price).isGreaterThanOrEqualTo(t.get(4, Long.class));
      assertThat(price).as("uniform clearing price").isEqualTo(t.get(7, Long.class));
    }
    List<Record> volumes =
        dsl.fetch(
            "select c.volume_wh, (select coalesce(sum(quantity_wh), 0) from trade t"
                + " where t.zone_code = c.zone_code and t.slot_start = c.slot_start) from clearing_result c");
    for (Record v : volumes) {
      assertThat(v.get(1, Long.class)).isEqualTo(v.get(0, Long.class));
    }
    List<Record> perOrder =
        dsl.fetch(
            "select o.quantity_wh, coalesce(sum(t.quantity_wh), 0) from market_order o"
                + " left join trade t on t.buy_order_id = o.id or t.sell_order_id = o.id group by o.id, o.quantity_wh");
    for (Record o : perOrder) {
      assertThat(o.get(1, Long.class)).isLessThanOrEqualTo(o.get(0, Long.class));
    }
  }

  private static void paymentsEqualTheStatementsAndTheChannels(DSLContext dsl) {
    List<Record> statements =
        dsl.fetch(
            "select s.account_id, s.slot_start, s.total_sat,"
                + " (select coalesce(sum(p.amount_sat), 0) from settlement_payment p where p.account_id = s.account_id"
                + " and p.zone_code = s.zone_code and p.slot_start = s.slot_start and p.status = 'paid')"
                + " from settlement_statement s where s.version = (select max(version) from settlement_statement l"
                + " where l.account_id = s.account_id and l.zone_code = s.zone_code and l.slot_start = s.slot_start)");
    assertThat(statements).isNotEmpty();
    for (Record s : statements) {
      assertThat(s.get(3, Long.class))
          .as("paid for statement of %s in %s", s.get(0), s.get(1))
          .isEqualTo(s.get(2, Long.class));
    }
    assertThat(
            dsl.fetchOne("select count(*) from settlement_payment where status <> 'paid'")
                .get(0, Long.class))
        .isZero();
    // what the hub paid into each seller channel and received from each buyer channel equals the
    // payments
    Long paidToProsumers =
        dsl.fetchOne(
                "select coalesce(sum(amount_sat), 0) from settlement_payment"
                    + " where amount_sat > 0")
            .get(0, Long.class);
    Long paidByProsumers =
        dsl.fetchOne(
                "select coalesce(-sum(amount_sat), 0) from settlement_payment"
                    + " where amount_sat < 0")
            .get(0, Long.class);
    Long hubToSellers =
        dsl.fetchOne(
                "select coalesce(sum(payee_amount_sats), 0) from payment_channel"
                    + " where role = 'payer' and direction = 'hub_to_seller'")
            .get(0, Long.class);
    Long buyersToHub =
        dsl.fetchOne(
                "select coalesce(sum(payee_amount_sats), 0) from payment_channel"
                    + " where role = 'payee' and direction = 'buyer_to_hub'")
            .get(0, Long.class);
    assertThat(hubToSellers).isEqualTo(paidToProsumers);
    assertThat(buyersToHub).isEqualTo(paidByProsumers);
  }

  /**
   * Homes 1 and 2 pay machine to machine: every payment of theirs went over a channel whose
   * prosumer side is their gateway's registered channel key (buyer -> hub: the gateway signed; hub
   * -> seller: the gateway acknowledged at least that commitment), none over a custodial channel.
   */
  private static void machineToMachineHomesPaidOverTheirGatewaysOwnChannels(DSLContext dsl) {
    List<Record> m2m =
        dsl.fetch(
            "select a.id, w.channel_key from account a join gateway_wallet w on w.account_id = a.id"
                + " where a.payment_mode = 'm2m'");
    assertThat(m2m).as("homes 1 and 2 registered their gateway wallets").hasSize(2);
    int checked = 0;
    for (Record a : m2m) {
      long account = a.get(0, Long.class);
      byte[] gatewayKey = a.get(1, byte[].class);
      for (Record p :
          dsl.fetch(
              "select amount_sat, channel_id, target_payee_sats from settlement_payment"
                  + " where account_id = ? and status = 'paid'",
              account)) {
        long amount = p.get(0, Long.class);
        String channel = p.get(1, String.class);
        if (amount < 0) {
          Record c =
              dsl.fetchOne(
                  "select payer_pubkey, payee_amount_sats from payment_channel where channel_id = ?"
                      + " and role = 'payee' and direction = 'buyer_to_hub'",
                  channel);
          assertThat(c.get(0, byte[].class))
              .as("debit of %s paid on %s", account, channel)
              .isEqualTo(gatewayKey);
          assertThat(c.get(1, Long.class)).isGreaterThanOrEqualTo(p.get(2, Long.class));
        } else {
          Record c =
              dsl.fetchOne(
                  "select c.payee_pubkey, k.acked_sequence from payment_channel c"
                      + " join gateway_channel_ack k on k.channel_id = c.channel_id where c.channel_id = ? and c.role = 'payer'",
                  channel);
          assertThat(c)
              .as("credit of %s on %s acknowledged by the gateway", account, channel)
              .isNotNull();
          assertThat(c.get(0, byte[].class)).isEqualTo(gatewayKey);
          assertThat(c.get(1, Long.class)).isPositive();
        }
        checked++;
      }
    }
    assertThat(checked).as("machine-to-machine payments made").isPositive();
  }

  private static void everyExportedTransactionIsValidUnderTheInterpreter(Path json, int expected)
      throws Exception {
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    JsonNode txs = root.get("transactions");
    assertThat(txs.size()).isEqualTo(expected);
    int inputsChecked = 0;
    for (JsonNode entry : txs) {
      Transaction tx = Transaction.parse(HexFormat.of().parseHex(entry.get("rawTx").asText()));
      assertThat(tx.txidHex()).isEqualTo(entry.get("txid").asText());
      JsonNode inputs = entry.get("inputs");
      assertThat(inputs.size()).isEqualTo(tx.inputs().size());
      for (int i = 0; i < inputs.size(); i++) {
        TxOutput spent =
            new TxOutput(
                inputs.get(i).get("satoshis").asLong(),
                HexFormat.of().parseHex(inputs.get(i).get("lockingScript").asText()));
        ScriptResult r = Interpreter.verifyInput(tx, i, spent, ScriptFlags.POST_GENESIS_STANDARD);
        assertThat(r.ok()).as("%s input %d: %s", tx.txidHex(), i, r).isTrue();
        inputsChecked++;
      }
    }
    assertThat(inputsChecked).isPositive();
  }
}

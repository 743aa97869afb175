package io.peerwatt.settlement.runtime;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.DATA_APPLICATION;
import static io.peerwatt.db.schema.Tables.DATA_CHARGE;
import static io.peerwatt.db.schema.Tables.DATA_GRANT;
import static io.peerwatt.db.schema.Tables.DATA_OFFER;
import static io.peerwatt.db.schema.Tables.MARKET_ZONE;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_PAYMENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementLine;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.settlement.MarketRows;
import io.peerwatt.settlement.PaymentStatus;
import io.peerwatt.settlement.SettlementViews;
import io.peerwatt.settlement.SlotKey;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.share.DataPayments;
import io.peerwatt.settlement.share.GrantedData;
import io.peerwatt.settlement.usage.JdbcUsageSource;
import io.peerwatt.settlement.wallet.KeyVault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Shared data is paid end to end on the platform's settlement with the real channel code on devnet:
 * the days third parties fetched are charged once, booked on the households' zone's next slot,
 * settled onto the statements, paid third party -> hub and hub -> household over channels the
 * custodial policy opens, and reconcile to the satoshi per grant.
 */
@ExtendWith(PostgresExtension.class)
class DataPaymentsOverChannelsTest {
  private static final String ZONE = "DE-DATA";
  private static final Instant START = Instant.parse("2026-11-20T10:03:00Z");

  @Test
  void daysFetchedArePaidOnceOverBothChannelsAndReconcileToTheSatoshi(DSLContext db)
      throws IOException {
    MutableClock clock = new MutableClock(START);
    Path keys = Files.createTempDirectory("peerwatt-keys");
    Settlement s =
        new Settlement(
            db,
            DevnetBackend.open(db, clock, DevnetBackend.DEFAULT_POLICY),
            KeyVault.open(
                keys.resolve("settlement-vault.bin"),
                keys.resolve("settlement-vault.secret"),
                new SecureRandom()),
            PrivateKey.fromBytes(Hashes.sha256("platform".getBytes(StandardCharsets.US_ASCII))),
            clock,
            // an odd rate so that the lines' conversions round
            2_345_677,
            1_000_000);
    SettlementPass pass = new SettlementPass(s, clock);
    pass.prepareDevnet();
    MarketRows.zone(db, ZONE, "data zone");
    db.update(MARKET_ZONE).set(MARKET_ZONE.DATA_FEE_BASIS_POINTS, 1_250).execute();
    long home1 = MarketRows.account(db, ZONE, "home1");
    long home2 = MarketRows.account(db, ZONE, "home2");
    long institute = thirdParty(db, "institute");
    long application = application(db, institute);
    long offer = offer(db, application, 2_513);
    long grant1 = grant(db, offer, home1, 2_513);
    long grant2 = grant(db, offer, home2, 2_513);
    GrantedData delivery =
        new GrantedData(
            db, new JdbcUsageSource(db, Duration.ofMinutes(5)), new SettlementViews(db));
    Instant day = Instant.parse("2026-11-01T00:00:00Z");
    // home1: two days, one of them fetched again as ESPI, and a proof (not a day of data)
    delivery.log(grant1, "readings", day, day.plus(Duration.ofDays(2)), null, clock.instant());
    delivery.log(
        grant1,
        "espi",
        day.plus(Duration.ofHours(30)),
        day.plus(Duration.ofHours(31)),
        null,
        START);
    delivery.log(grant1, "proof", START, START, "1/0/5", START);
    // home2: part of one day
    delivery.log(
        grant2,
        "readings",
        day.plus(Duration.ofHours(3)),
        day.plus(Duration.ofHours(9)),
        null,
        START);

    pass.run();
    assertThat(db.fetchCount(DATA_CHARGE)).isEqualTo(3);
    assertThat(
            db.selectDistinct(DATA_CHARGE.SLOT_START)
                .from(DATA_CHARGE)
                .fetch(DATA_CHARGE.SLOT_START))
        .containsExactly(DeliverySlot.containing(START).start());
    // a day fetched again later is not charged again
    clock.advance(Duration.ofMinutes(1));
    delivery.log(grant1, "readings", day, day.plus(Duration.ofDays(1)), null, clock.instant());

    // past the slot's end and the grace window: settled, then paid once the channels are open
    clock.advance(Duration.ofMinutes(25));
    for (int i = 0; i < 4; i++) {
      pass.run();
      s.devnet.mineBlocks(1);
      clock.advance(Duration.ofSeconds(15));
    }

    assertThat(db.fetchCount(DATA_CHARGE)).isEqualTo(3);
    SlotKey slot = new SlotKey(ZONE, DeliverySlot.containing(START));
    Map<Long, Statement> statements = s.statements.latestStatements(slot);
    assertThat(statements).containsOnlyKeys(home1, home2, institute);
    long fee = 2_513L * 1_250 / 10_000;
    assertThat(statements.get(institute).lines())
        .extracting(StatementLine::kind, StatementLine::tradeId, StatementLine::amount)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(LineKind.DATA_PURCHASE, grant1, -2 * 2_513L),
            org.assertj.core.groups.Tuple.tuple(LineKind.DATA_PURCHASE, grant2, -2_513L));
    assertThat(statements.get(home1).lines())
        .extracting(StatementLine::kind, StatementLine::tradeId, StatementLine::amount)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(LineKind.DATA_SALE, grant1, 2 * 2_513L),
            org.assertj.core.groups.Tuple.tuple(LineKind.DATA_PLATFORM_FEE, grant1, -2 * fee));
    assertThat(
            db.selectFrom(SETTLEMENT_PAYMENT).fetch(SETTLEMENT_PAYMENT.STATUS).stream()
                .distinct()
                .toList())
        .containsExactly(PaymentStatus.PAID.code());

    // the satoshis moved over the channels: the institute's custodial payer -> hub channel, and
    // the hub -> household channels
    PayeeChannel fromInstitute =
        s.channels.payeeChannelsWith(Long.toString(institute)).stream()
            .filter(c -> c.terms().direction() == ChannelDirection.BUYER_TO_HUB)
            .filter(c -> c.state() == ChannelState.OPEN)
            .findFirst()
            .orElseThrow();
    assertThat(fromInstitute.payeeAmountSats()).isEqualTo(-statements.get(institute).totalSat());
    for (long home : List.of(home1, home2)) {
      PayerChannel toHome =
          s.channels.payerChannelsWith(Long.toString(home)).stream()
              .filter(c -> c.terms().direction() == ChannelDirection.HUB_TO_SELLER)
              .findFirst()
              .orElseThrow();
      assertThat(toHome.payeeAmountSats()).isEqualTo(statements.get(home).totalSat());
    }

    // per grant: what the third party paid = what the household received + the hub's fee
    List<DataPayments.GrantPayment> grants =
        new DataPayments(db, s.statements).ofThirdParty(institute);
    assertThat(grants)
        .extracting(DataPayments.GrantPayment::grantId)
        .containsExactly(grant2, grant1);
    long paidOverChannel = 0;
    long receivedOverChannels = 0;
    long feesKept = 0;
    for (DataPayments.GrantPayment g : grants) {
      assertThat(g.fullyPaid()).isTrue();
      assertThat(g.reconciled()).isTrue();
      assertThat(g.thirdPartyPaidSat()).isPositive();
      assertThat(g.platformFeeSat()).isPositive();
      paidOverChannel += g.thirdPartyPaidSat();
      receivedOverChannels += g.householdReceivedSat();
      feesKept += g.platformFeeSat();
    }
    assertThat(grants.get(1).days()).isEqualTo(2);
    assertThat(grants.get(1).netMilliCt()).isEqualTo(2 * (2_513L - fee));
    assertThat(paidOverChannel).isEqualTo(fromInstitute.payeeAmountSats());
    assertThat(receivedOverChannels)
        .isEqualTo(statements.get(home1).totalSat() + statements.get(home2).totalSat());
    assertThat(paidOverChannel).isEqualTo(receivedOverChannels + feesKept);
    assertThat(new DataPayments(db, s.statements).ofHousehold(home1))
        .singleElement()
        .satisfies(g -> assertThat(g.grantId()).isEqualTo(grant1));
    s.close();
  }

  private static long thirdParty(DSLContext db, String name) {
    return db.insertInto(ACCOUNT)
        .set(ACCOUNT.USERNAME, name)
        .set(ACCOUNT.ROLE, "third_party")
        .set(ACCOUNT.PASSWORD_HASH, "x")
        .returning(ACCOUNT.ID)
        .fetchOne()
        .getId();
  }

  private static long application(DSLContext db, long account) {
    return db.insertInto(DATA_APPLICATION)
        .set(DATA_APPLICATION.ACCOUNT_ID, account)
        .set(DATA_APPLICATION.NAME, "Energy study")
        .set(DATA_APPLICATION.PURPOSE, "research")
        .set(DATA_APPLICATION.REDIRECT_URIS, new String[] {"https://example.org/cb"})
        .set(DATA_APPLICATION.CONTACT, "lab@example.org")
        .set(DATA_APPLICATION.CLIENT_ID, "client-" + account)
        .set(DATA_APPLICATION.STATE, "APPROVED")
        .set(DATA_APPLICATION.CREATED_AT, START.minus(Duration.ofDays(30)))
        .returning(DATA_APPLICATION.ID)
        .fetchOne()
        .getId();
  }

  private static long offer(DSLContext db, long application, long price) {
    return db.insertInto(DATA_OFFER)
        .set(DATA_OFFER.APPLICATION_ID, application)
        .set(DATA_OFFER.RESOLUTION, "hourly")
        .set(DATA_OFFER.IMPORT_DATA, true)
        .set(DATA_OFFER.EXPORT_DATA, true)
        .set(DATA_OFFER.STATEMENTS, false)
        .set(DATA_OFFER.PERIOD_FROM, Instant.parse("2026-10-01T00:00:00Z"))
        .set(DATA_OFFER.PERIOD_TO, Instant.parse("2026-12-01T00:00:00Z"))
        .set(DATA_OFFER.ACCESS_DAYS, 90)
        .set(DATA_OFFER.PRICE_MILLI_CT_PER_HOME_DAY, price)
        .set(DATA_OFFER.PURPOSE, "research")
        .set(DATA_OFFER.CREATED_AT, START.minus(Duration.ofDays(29)))
        .returning(DATA_OFFER.ID)
        .fetchOne()
        .getId();
  }

  private static long grant(DSLContext db, long offer, long account, long price) {
    return db.insertInto(DATA_GRANT)
        .set(DATA_GRANT.OFFER_ID, offer)
        .set(DATA_GRANT.ACCOUNT_ID, account)
        .set(DATA_GRANT.RESOLUTION, "hourly")
        .set(DATA_GRANT.IMPORT_DATA, true)
        .set(DATA_GRANT.EXPORT_DATA, true)
        .set(DATA_GRANT.STATEMENTS, false)
        .set(DATA_GRANT.PERIOD_FROM, Instant.parse("2026-10-01T00:00:00Z"))
        .set(DATA_GRANT.PERIOD_TO, Instant.parse("2026-12-01T00:00:00Z"))
        .set(DATA_GRANT.PRICE_MILLI_CT_PER_HOME_DAY, price)
        .set(DATA_GRANT.CREATED_AT, START.minus(Duration.ofDays(28)))
        .set(DATA_GRANT.EXPIRES_AT, START.plus(Duration.ofDays(60)))
        .returning(DATA_GRANT.ID)
        .fetchOne()
        .getId();
  }
}

package io.peerwatt.settlement.anchor;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.ANCHOR_LEAF;
import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.ZONE;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.anchor.BundleVerification;
import io.peerwatt.protocol.anchor.ProofBundle;
import io.peerwatt.protocol.anchor.ProofBundleVerifier;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.DeviceCertificate;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.spv.HeaderChain;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.JdbcTransactionLog;
import io.peerwatt.settlement.wallet.JdbcWalletStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Certificates stored the way trading-core's enrolment stores them are anchored from the device
 * table per quarter-hour of issue on the devnet persisted in the same database, once each, and
 * their bundles verify.
 */
@ExtendWith(PostgresExtension.class)
class JdbcEnrolmentAnchorTest {
  static final PrivateKey PLATFORM =
      PrivateKey.fromBytes(Hashes.sha256("jdbc enrolment platform".getBytes()));
  static final String ZONE_CODE = "DE-ENROL-1";
  static final Instant Q0 = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void issuedCertificatesAreAnchoredOncePerQuarterHourAndProvable(DSLContext db) {
    db.insertInto(ZONE).set(ZONE.CODE, ZONE_CODE).set(ZONE.NAME, "enrolment test zone").execute();
    long account =
        db.insertInto(ACCOUNT)
            .set(ACCOUNT.USERNAME, "enrolling")
            .set(ACCOUNT.ROLE, "prosumer")
            .set(ACCOUNT.PASSWORD_HASH, "x")
            .set(ACCOUNT.ZONE_CODE, ZONE_CODE)
            .returning(ACCOUNT.ID)
            .fetchOne()
            .getId();
    long point =
        db.insertInto(METERING_POINT)
            .set(METERING_POINT.ACCOUNT_ID, account)
            .set(METERING_POINT.ZONE_CODE, ZONE_CODE)
            .set(METERING_POINT.LABEL, "home")
            .set(METERING_POINT.MAX_POWER_W, 30_000L)
            .returning(METERING_POINT.ID)
            .fetchOne()
            .getId();
    // enrolled, then rotated in the same quarter-hour, then rotated again in the next one
    long first = enrol(db, point, account, 101, Q0.plusSeconds(20));
    long second = enrol(db, point, account, 102, Q0.plus(Duration.ofMinutes(14)));
    long third = enrol(db, point, account, 103, Q0.plus(Duration.ofMinutes(20)));
    db.update(DEVICE)
        .set(DEVICE.STATUS, "rotated")
        .set(DEVICE.SUPERSEDED_BY, second)
        .where(DEVICE.ID.eq(first))
        .execute();
    db.update(DEVICE)
        .set(DEVICE.STATUS, "rotated")
        .set(DEVICE.SUPERSEDED_BY, third)
        .where(DEVICE.ID.eq(second))
        .execute();
    // a device row without a certificate (none was issued) is not an enrolment
    db.insertInto(DEVICE)
        .set(
            DEVICE.PUBLIC_KEY,
            PrivateKey.fromBytes(Hashes.sha256("no cert".getBytes())).publicKey().compressedBytes())
        .set(DEVICE.METERING_POINT_ID, point)
        .set(DEVICE.ENROLLED_AT, Q0)
        .execute();

    Instant now = Q0.plus(Duration.ofMinutes(16));
    DevnetBackend devnet =
        DevnetBackend.open(db, Clock.fixed(now, ZoneOffset.UTC), DevnetBackend.DEFAULT_POLICY);
    HubWallet wallet =
        new HubWallet(
            PrivateKey.fromBytes(Hashes.sha256("jdbc enrolment wallet".getBytes())),
            devnet,
            new JdbcWalletStore(db, "enrolment-test"),
            new JdbcTransactionLog(db));
    wallet.receive(
        Transaction.parse(devnet.faucet(wallet.lockingScript(), 100_000).rawTx()),
        false,
        List.of(),
        "faucet");
    JdbcAnchorSource source = new JdbcAnchorSource(db, Duration.ZERO, Duration.ZERO);
    JdbcAnchorStore store = new JdbcAnchorStore(db);
    AnchoringService anchoring =
        new AnchoringService(source, store, wallet, devnet, PLATFORM, new SecureRandom());

    assertThat(source.certificatesIssuedBefore(Q0.plus(Duration.ofMinutes(15))))
        .extracting(c -> c.item().ref())
        .containsExactly("101", "102");
    List<AnchorOutcome> outcomes = anchoring.anchorDueEnrolments(now);
    assertThat(outcomes)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.status()).as(o.detail()).isEqualTo(AnchorOutcome.Status.ANCHORED);
              assertThat(o.anchorKey()).isEqualTo("enrolments:2026-11-25T10:00Z/PT15M");
              assertThat(o.leafCount()).isEqualTo(2);
            });
    assertThat(db.fetchCount(ANCHOR_LEAF, ANCHOR_LEAF.ITEM_KIND.eq((short) 5))).isEqualTo(2);
    // anchored items leave the source; the next quarter-hour is due once it ended and its grace
    // passed
    assertThat(source.certificatesIssuedBefore(Q0.plus(Duration.ofMinutes(30))))
        .extracting(c -> c.item().ref())
        .containsExactly("103");
    assertThat(anchoring.anchorDueEnrolments(now)).isEmpty();
    assertThat(anchoring.anchorDueEnrolments(Q0.plus(Duration.ofMinutes(31))))
        .singleElement()
        .satisfies(o -> assertThat(o.anchorKey()).isEqualTo("enrolments:2026-11-25T10:15Z/PT15M"));
    assertThat(anchoring.anchorDueEnrolments(Q0.plus(Duration.ofDays(1)))).isEmpty();

    assertThat(anchoring.bundle(AnchorItemKind.ENROLMENT, "101").state())
        .isEqualTo(ProofBundles.ProofState.NOT_MINED);
    devnet.mineBlocks(1);
    assertThat(anchoring.confirmAnchors()).isEqualTo(2);
    List<BlockHeader> headers =
        devnet.headers(0, (int) devnet.tip().height() + 1).stream()
            .map(ChainHeader::blockHeader)
            .toList();
    ProofBundleVerifier.Trust trust =
        new ProofBundleVerifier.Trust(PLATFORM.publicKey(), new HeaderChain(0, headers));
    for (long serial : new long[] {101, 102, 103}) {
      ProofBundle bundle =
          anchoring.bundle(AnchorItemKind.ENROLMENT, ItemRef.enrolment(serial)).bundle();
      BundleVerification v = ProofBundleVerifier.verify(bundle, trust);
      assertThat(v.verified()).as(serial + " " + v.firstFailure()).isTrue();
      assertThat(SignedDeviceCertificate.decode(bundle.item()).certificate().serial())
          .isEqualTo(serial);
    }
    // a certificate signed by the platform is still refused by a verifier trusting another key
    ProofBundle bundle = anchoring.bundle(AnchorItemKind.ENROLMENT, "101").bundle();
    assertThat(
            ProofBundleVerifier.verify(
                    bundle,
                    new ProofBundleVerifier.Trust(
                        PrivateKey.fromBytes(Hashes.sha256("another".getBytes())).publicKey(),
                        trust.headerChain()))
                .result(BundleVerification.Step.CERTIFICATE)
                .status())
        .isEqualTo(BundleVerification.Status.FAIL);
  }

  /**
   * A device row as trading-core's enrolment writes it: the certificate's JSON form and its serial.
   */
  static long enrol(DSLContext db, long point, long account, long serial, Instant at) {
    PrivateKey device = PrivateKey.fromBytes(Hashes.sha256(("device " + serial).getBytes()));
    SignedDeviceCertificate certificate =
        SignedDeviceCertificate.sign(
            new DeviceCertificate(
                1,
                serial,
                device.publicKey(),
                Long.toString(point),
                Long.toString(account),
                ZONE_CODE,
                at,
                at.plus(Duration.ofDays(365)),
                PLATFORM.publicKey()),
            PLATFORM);
    return db.insertInto(DEVICE)
        .set(DEVICE.PUBLIC_KEY, device.publicKey().compressedBytes())
        .set(DEVICE.METERING_POINT_ID, point)
        .set(DEVICE.STATUS, "active")
        .set(DEVICE.ENROLLED_AT, at)
        .set(DEVICE.CERTIFICATE_SERIAL, serial)
        .set(DEVICE.CERTIFICATE, Json.write(certificate.toJson()))
        .returning(DEVICE.ID)
        .fetchOne()
        .getId();
  }
}

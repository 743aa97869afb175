package io.peerwatt.settlement.anchor;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.anchor.ProofBundleVerifier;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.DeviceCertificate;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.spv.HeaderChain;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.InMemoryTransactionLog;
import io.peerwatt.settlement.wallet.InMemoryWalletStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A funded hub wallet on an in-memory devnet, an in-memory anchor source and store, and the
 * service.
 */
final class AnchorFixture {
  static final PrivateKey PLATFORM =
      PrivateKey.fromBytes(Hashes.sha256("anchor test platform".getBytes()));
  static final PrivateKey WALLET =
      PrivateKey.fromBytes(Hashes.sha256("anchor test wallet".getBytes()));
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  final DevnetBackend devnet =
      DevnetBackend.inMemory(Clock.fixed(T0, ZoneOffset.UTC), DevnetBackend.DEFAULT_POLICY);
  final HubWallet wallet =
      new HubWallet(WALLET, devnet, new InMemoryWalletStore(), new InMemoryTransactionLog());
  final MemorySource source = new MemorySource();
  final InMemoryAnchorStore store = new InMemoryAnchorStore();
  final AnchoringService service;

  AnchorFixture(long seed) {
    Transaction funding =
        Transaction.parse(devnet.faucet(wallet.lockingScript(), 1_000_000).rawTx());
    wallet.receive(funding, false, List.of(), "faucet");
    service = new AnchoringService(source, store, wallet, devnet, PLATFORM, seeded(seed));
  }

  static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  ProofBundleVerifier.Trust trust() {
    List<BlockHeader> headers =
        devnet.headers(0, (int) devnet.tip().height() + 1).stream()
            .map(ChainHeader::blockHeader)
            .toList();
    return new ProofBundleVerifier.Trust(PLATFORM.publicKey(), new HeaderChain(0, headers));
  }

  /**
   * Adds a slot with {@code readings} signed readings of one device, {@code trades} trades and
   * {@code statements} statements; returns the items added.
   */
  List<AnchorItem> addSlot(
      String zone, int slotIndex, int readings, int trades, int statements, Random random) {
    Instant start = T0.plus(Duration.ofMinutes(15L * slotIndex));
    String interval = start.toString().replace(":00Z", "Z") + "/PT15M";
    AnchorSource.Slot slot = new AnchorSource.Slot(zone, interval);
    PrivateKey device =
        PrivateKey.fromBytes(Hashes.sha256(("device " + zone + slotIndex).getBytes()));
    SignedDeviceCertificate certificate =
        SignedDeviceCertificate.sign(
            new DeviceCertificate(
                1,
                slotIndex + 1L,
                device.publicKey(),
                "MP-" + slotIndex,
                "acct-" + slotIndex,
                zone,
                T0.minus(Duration.ofDays(1)),
                T0.plus(Duration.ofDays(30)),
                PLATFORM.publicKey()),
            PLATFORM);
    List<AnchorItem> items = new ArrayList<>();
    MeterReading previous = null;
    for (int i = 0; i < readings; i++) {
      MeterReading r =
          new MeterReading(
              1,
              device.publicKey(),
              0,
              i + 1L,
              start.plusSeconds(10L * i),
              1_000 + 7L * i,
              50 + random.nextInt(5),
              1000,
              230_000,
              EnumSet.noneOf(ReadingFlag.class),
              previous == null ? MeterReading.noPrevious() : previous.hash());
      SignedReading signed = SignedReading.sign(r, device);
      String ref = ItemRef.reading(slotIndex, 0, i + 1L);
      items.add(new AnchorItem(AnchorItemKind.READING, ref, r.encode()));
      source.evidence.put(
          "1:" + ref, new AnchorSource.Evidence(r.encode(), signed.signature(), certificate));
      previous = r;
    }
    for (int i = 0; i < trades; i++) {
      byte[] bytes = ("trade " + slotIndex + "/" + i + " " + random.nextLong()).getBytes();
      String ref = ItemRef.trade(slotIndex * 1000L + i);
      items.add(new AnchorItem(AnchorItemKind.TRADE, ref, bytes));
      source.evidence.put("2:" + ref, new AnchorSource.Evidence(bytes, null, null));
    }
    for (int i = 0; i < statements; i++) {
      byte[] bytes = ("statement " + slotIndex + "/" + i + " " + random.nextLong()).getBytes();
      String ref = ItemRef.statement(i, zone, start.getEpochSecond(), 1);
      items.add(new AnchorItem(AnchorItemKind.STATEMENT, ref, bytes));
      source.evidence.put("3:" + ref, new AnchorSource.Evidence(bytes, null, null));
    }
    source.slots.computeIfAbsent(slot, s -> new ArrayList<>()).addAll(items);
    return items;
  }

  /**
   * Issues (records as the enrolment would) a certificate with {@code serial} at {@code issuedAt}
   * for a new device key of metering point {@code meteringPoint}; returns its anchor item.
   */
  AnchorItem issueCertificate(long serial, String meteringPoint, Instant issuedAt) {
    PrivateKey device =
        PrivateKey.fromBytes(Hashes.sha256(("enrolled device " + serial).getBytes()));
    SignedDeviceCertificate certificate =
        SignedDeviceCertificate.sign(
            new DeviceCertificate(
                1,
                serial,
                device.publicKey(),
                meteringPoint,
                "acct-" + meteringPoint,
                "DE-ENROL",
                issuedAt,
                issuedAt.plus(Duration.ofDays(365)),
                PLATFORM.publicKey()),
            PLATFORM);
    AnchorItem item =
        new AnchorItem(AnchorItemKind.ENROLMENT, ItemRef.enrolment(serial), certificate.encode());
    source.certificates.add(new AnchorSource.IssuedCertificate(issuedAt, item));
    source.evidence.put("5:" + item.ref(), new AnchorSource.Evidence(item.bytes(), null, null));
    return item;
  }

  /**
   * An in-memory {@link AnchorSource}: every registered slot is closed; with {@code reportsOnce},
   * each is reported by one call only (as the database source does once it has caught up and the
   * slot is old).
   */
  static final class MemorySource implements AnchorSource {
    final Map<Slot, List<AnchorItem>> slots = new LinkedHashMap<>();
    final Map<String, Evidence> evidence = new LinkedHashMap<>();
    final List<IssuedCertificate> certificates = new ArrayList<>();
    boolean reportsOnce;
    private final java.util.Set<Slot> reported = new java.util.HashSet<>();

    @Override
    public List<Slot> closedSlots(Instant now) {
      return slots.keySet().stream().filter(slot -> !reportsOnce || reported.add(slot)).toList();
    }

    @Override
    public List<AnchorItem> items(Slot slot) {
      return List.copyOf(slots.getOrDefault(slot, List.of()));
    }

    @Override
    public List<IssuedCertificate> certificatesIssuedBefore(Instant issuedBefore) {
      return certificates.stream()
          .filter(c -> c.issuedAt().isBefore(issuedBefore))
          .sorted(java.util.Comparator.comparing(IssuedCertificate::issuedAt))
          .toList();
    }

    @Override
    public Optional<Evidence> evidence(AnchorItemKind kind, String ref) {
      return Optional.ofNullable(evidence.get(kind.code() + ":" + ref));
    }
  }
}

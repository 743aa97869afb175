package io.peerwatt.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.encoding.Json;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Register maps decode raw words exactly as the manuals describe; words are written out in hex. */
class RegisterMapTest {
  private static byte[] words(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  @Test
  void sdm630AddressesAreTheManualsAndFloatsAreBigEndianWords() {
    RegisterMap map = RegisterMap.load("sdm630");
    RegisterPoint imp = map.point(RegisterMap.IMPORT);
    assertThat(imp.printedAddress()).isEqualTo(30073);
    assertThat(imp.address()).isEqualTo(0x48);
    assertThat(imp.functionCode()).isEqualTo(4);
    assertThat(map.point(RegisterMap.EXPORT).address()).isEqualTo(0x4A);
    assertThat(map.point(RegisterMap.POWER).address()).isEqualTo(0x34);
    assertThat(map.point(RegisterMap.SERIAL).address()).isEqualTo(0xFC00);
    // 0x4640E400 = 12345.0 kWh, most significant word first
    assertThat(imp.decode(words("4640 E400"), 0)).hasValue(12_345_000);
    // 0x43E6CCCD = 461.6 (float32: 461.600006...) kWh -> 461600 Wh
    assertThat(imp.decode(words("43E6 CCCD"), 0)).hasValue(461_600);
    // 0xC3480000 = -200.0 W (exporting)
    assertThat(map.point(RegisterMap.POWER).decode(words("C348 0000"), 0)).hasValue(-200);
    // 0x43660000 = 230.0 V -> 230000 mV
    assertThat(map.point(RegisterMap.VOLTAGE).decode(words("4366 0000"), 0)).hasValue(230_000);
    // NaN and infinity are not numbers
    assertThat(imp.decode(words("7FC0 0000"), 0)).isEmpty();
    assertThat(imp.decode(words("7F80 0000"), 0)).isEmpty();
  }

  @Test
  void em24IsInt32LowWordFirstWithItsWeights() {
    RegisterMap map = RegisterMap.load("em24");
    RegisterPoint imp = map.point(RegisterMap.IMPORT);
    assertThat(imp.address()).isEqualTo(0x3E);
    assertThat(map.point(RegisterMap.EXPORT).address()).isEqualTo(0x5C);
    assertThat(map.point(RegisterMap.POWER).address()).isEqualTo(0x28);
    assertThat(map.point(RegisterMap.IDENTITY).address()).isEqualTo(0x0B);
    assertThat(map.point(RegisterMap.SERIAL).address()).isEqualTo(0x5000);
    // 123456.7 kWh = 1234567 (0x0012D687) in kWh*10, LSW first: D687 0012
    assertThat(imp.decode(words("D687 0012"), 0)).hasValue(123_456_700);
    // W sys -1234.5 W = -12345 (0xFFFFCFC7) in W*10, LSW first; rounds half-even to -1234
    assertThat(map.point(RegisterMap.POWER).decode(words("CFC7 FFFF"), 0)).hasValue(-1234);
    // V L1-N 231.2 V = 2312 in V*10
    assertThat(map.point(RegisterMap.VOLTAGE).decode(words("0908 0000"), 0)).hasValue(231_200);
  }

  @Test
  void sunSpecLayoutComesFromTheModelDefinitions() throws Exception {
    RegisterMap.SunSpecIntMeter m203 = RegisterMap.sunSpecIntMeter(203);
    assertThat(m203.lengthWithHeader()).isEqualTo(2 + 105);
    assertThat(m203.points().get("PhVphA").address()).isEqualTo(8);
    assertThat(m203.points().get("W").address()).isEqualTo(18);
    assertThat(m203.points().get("TotWhExp").address()).isEqualTo(38);
    assertThat(m203.points().get("TotWhImp").address()).isEqualTo(46);
    assertThat(m203.scaleFactorOf().get("TotWhImp")).isEqualTo("TotWh_SF");
    // the run-time copies are the SunSpec definitions in the test vectors, unchanged
    for (String file : List.of("model_1.json", "model_201.json", "model_203.json")) {
      Map<String, Object> reference;
      try (InputStream in = RegisterMapTest.class.getResourceAsStream("/vectors/sunspec/" + file)) {
        assertThat(in).as("test resource vectors/sunspec/" + file).isNotNull();
        reference = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      Map<String, Object> ours = Json.parseObject(RegisterMap.resource("sunspec/" + file));
      assertThat(ours).isEqualTo(reference);
    }
  }

  @Test
  void sunSpecScaleFactorsAndNotImplemented() {
    RegisterPoint w = RegisterMap.sunSpecIntMeter(203).points().get("W");
    RegisterPoint wh = RegisterMap.sunSpecIntMeter(203).points().get("TotWhImp");
    RegisterPoint sf = RegisterMap.sunSpecIntMeter(203).points().get("W_SF");
    // W = 1234 with W_SF = 1 -> 12340 W; with -1 -> 123 W (123.4 rounds half-even)
    assertThat(w.decode(words("04D2"), 0, 1)).hasValue(12_340);
    assertThat(w.decode(words("04D2"), 0, -1)).hasValue(123);
    // int16 0x8000 = not implemented; sunssf 0x8000 too
    assertThat(w.decode(words("8000"), 0, 0)).isEmpty();
    assertThat(sf.decode(words("8000"), 0)).isEmpty();
    assertThat(sf.decode(words("FFFE"), 0)).hasValue(-2);
    // acc32 TotWhImp 0x00BC614E = 12345678 Wh with TotWh_SF 0
    assertThat(wh.decode(words("00BC 614E"), 0, 0)).hasValue(12_345_678);
    // uint16 0xFFFF = not implemented in SunSpec only
    RegisterPoint u16 =
        new RegisterPoint(
            "x", 3, 0, 0, RegisterType.UINT16, 1, WordOrder.MSW_FIRST, 1, 1, "-", true, false);
    assertThat(u16.decode(words("FFFF"), 0)).isEmpty();
    RegisterPoint plain =
        new RegisterPoint(
            "x", 3, 0, 0, RegisterType.UINT16, 1, WordOrder.MSW_FIRST, 1, 1, "-", false, false);
    assertThat(plain.decode(words("FFFF"), 0)).isEqualTo(OptionalLong.of(65_535));
  }

  @Test
  void sunSpecFloatMeterOffsets() {
    RegisterMap map = RegisterMap.load("sunspec-float-meter");
    assertThat(map.point(RegisterMap.VOLTAGE).address()).isEqualTo(12);
    assertThat(map.point(RegisterMap.POWER).address()).isEqualTo(28);
    assertThat(map.point(RegisterMap.EXPORT).address()).isEqualTo(60);
    assertThat(map.point(RegisterMap.IMPORT).address()).isEqualTo(68);
    assertThat(map.point(RegisterMap.IMPORT).decode(words("7FC0 0000"), 0)).isEmpty();
  }

  @Test
  void printedAddressesMustMatchTheirFunctionCode() {
    assertThat(RegisterMap.protocolAddress(4, 30001)).isZero();
    assertThat(RegisterMap.protocolAddress(3, 464513)).isEqualTo(0xFC00);
    assertThat(RegisterMap.protocolAddress(4, 300063)).isEqualTo(0x3E);
    assertThatThrownBy(() -> RegisterMap.protocolAddress(3, 30001))
        .hasMessageContaining("function code 3");
  }

  @Test
  void meterUris() {
    MeterUri rtu = MeterUri.parse("rtu:///dev/ttyUSB0?baud=19200&parity=even&stopBits=2");
    assertThat(rtu.device()).isEqualTo("/dev/ttyUSB0");
    assertThat(rtu.baud()).isEqualTo(19200);
    assertThat(rtu.parity()).isEqualTo("even");
    assertThat(rtu.stopBits()).isEqualTo(2);
    assertThat(MeterUri.parse("tcp://meter.local").port()).isEqualTo(502);
    assertThatThrownBy(() -> MeterUri.parse("rtu:///dev/ttyUSB0?bauds=9600"))
        .hasMessageContaining("unknown parameter bauds");
    assertThatThrownBy(() -> MeterUri.parse("udp://x:1")).hasMessageContaining("tcp:// or rtu://");
  }

  @Test
  void scheduleHasQuarterHourBoundariesAndCadence() {
    ReadingSchedule s = new ReadingSchedule(java.time.Duration.ofSeconds(60));
    var due = s.nextAfter(java.time.Instant.parse("2026-11-25T10:14:30Z"));
    assertThat(due.at()).isEqualTo(java.time.Instant.parse("2026-11-25T10:15:00Z"));
    assertThat(due.boundary()).isTrue();
    var next = s.nextAfter(due.at());
    assertThat(next.at()).isEqualTo(java.time.Instant.parse("2026-11-25T10:16:00Z"));
    assertThat(next.boundary()).isFalse();
    // a cadence that does not divide 15 minutes still hits every boundary
    ReadingSchedule odd = new ReadingSchedule(java.time.Duration.ofSeconds(420));
    var d = odd.nextAfter(java.time.Instant.parse("2026-11-25T10:14:00Z"));
    assertThat(d.at()).isEqualTo(java.time.Instant.parse("2026-11-25T10:15:00Z"));
    assertThat(d.boundary()).isTrue();
  }
}

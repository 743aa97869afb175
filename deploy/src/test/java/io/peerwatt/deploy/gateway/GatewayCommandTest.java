package io.peerwatt.deploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peerwatt.deploy.PeerwattCommand;
import io.peerwatt.deploy.UserError;
import io.peerwatt.gateway.GatewayConfig;
import io.peerwatt.gateway.control.FlexibilityConfig;
import io.peerwatt.gateway.lightclient.LightClientConfig;
import io.peerwatt.gateway.metering.MapChoice;
import io.peerwatt.gateway.metering.MeterSimulator;
import io.peerwatt.gateway.metering.MeterUri;
import io.peerwatt.gateway.metering.SimulatedBus;
import io.peerwatt.gateway.wallet.WalletConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayCommandTest {
  @TempDir Path dir;

  @Test
  void theDocumentedExampleIsValid() {
    Path example =
        Path.of(System.getProperty("peerwatt.root"), "deploy", "examples", "gateway.yaml");
    GatewayConfig cfg = GatewayYaml.load(example, null);
    assertThat(cfg.meters()).hasSize(2);
    assertThat(cfg.meters().get(0).map()).isEqualTo(MapChoice.AUTO);
    assertThat(cfg.meters().get(1).uri().transport()).isEqualTo(MeterUri.Transport.RTU);
    assertThat(cfg.readingInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(cfg.journalMaxBytes()).isEqualTo(256L << 20);
    assertThat(cfg.batchSize()).isEqualTo(500);
    assertThat(cfg.wallet())
        .get()
        .satisfies(
            w -> {
              assertThat(w.spendingCapSatsPerDay()).isEqualTo(20_000_000);
              assertThat(w.channelCapacitySats()).isEqualTo(50_000_000);
              assertThat(w.devnetFaucet()).isFalse();
            });
  }

  @Test
  void theWalletIsCustodialUnlessItSaysM2m() throws Exception {
    Path file = dir.resolve("w.yaml");
    String meters =
        "platform: https://p.example\nmeters:\n  - name: grid\n    meter: tcp://127.0.0.1:502\n";
    Files.writeString(file, meters);
    assertThat(GatewayYaml.load(file, null).wallet()).isEmpty();
    Files.writeString(
        file, meters + "wallet:\n  mode: m2m\n  devnetFaucet: true\n  interval: 2s\n");
    assertThat(GatewayYaml.load(file, null).wallet())
        .get()
        .satisfies(
            w -> {
              assertThat(w.devnetFaucet()).isTrue();
              assertThat(w.interval()).isEqualTo(Duration.ofSeconds(2));
              assertThat(w.spendingCapSatsPerDay())
                  .isEqualTo(WalletConfig.defaults().spendingCapSatsPerDay());
            });
    Files.writeString(file, meters + "wallet:\n  mode: custodial\n  interval: 2s\n");
    assertThatThrownBy(() -> GatewayYaml.load(file, null))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("m2m");
    Files.writeString(file, meters + "wallet:\n  mode: m2m\n  channelCapacitySats: 5\n");
    assertThatThrownBy(() -> GatewayYaml.load(file, null))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("channelCapacitySats");
    Files.writeString(
        file, "meters:\n  - name: grid\n    meter: tcp://127.0.0.1:502\nwallet:\n  mode: m2m\n");
    assertThatThrownBy(() -> GatewayYaml.load(file, null))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("platform");
  }

  @Test
  void theWalletCommandPrintsTheAddressAndTakesOnlyTransactionsPayingIt() throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    try {
      System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
      assertThat(PeerwattCommand.run("gateway", "wallet", "address", "--data-dir", dir.toString()))
          .isZero();
    } finally {
      System.setOut(old);
    }
    String address = out.toString(java.nio.charset.StandardCharsets.UTF_8).strip();
    assertThat(address).matches("[mn][1-9A-HJ-NP-Za-km-z]{25,34}");
    byte[] own =
        io.peerwatt.protocol.bsv.Script.p2pkh(
                io.peerwatt.gateway.DeviceIdentity.channelKey(dir).publicKey().hash160())
            .bytes();
    io.peerwatt.protocol.bsv.Transaction pays =
        new io.peerwatt.protocol.bsv.Transaction(
            1,
            List.of(
                new io.peerwatt.protocol.bsv.TxInput(new byte[32], 0, new byte[0], 0xFFFFFFFFL)),
            List.of(new io.peerwatt.protocol.bsv.TxOutput(70_000, own)),
            0);
    io.peerwatt.protocol.bsv.Transaction elsewhere =
        new io.peerwatt.protocol.bsv.Transaction(
            1,
            pays.inputs(),
            List.of(
                new io.peerwatt.protocol.bsv.TxOutput(
                    70_000, io.peerwatt.protocol.bsv.Script.p2pkh(new byte[20]).bytes())),
            0);
    assertThat(
            PeerwattCommand.run(
                "gateway",
                "wallet",
                "fund",
                "--tx",
                elsewhere.toHex(),
                "--data-dir",
                dir.toString()))
        .isEqualTo(2);
    assertThat(
            PeerwattCommand.run(
                "gateway", "wallet", "fund", "--tx", pays.toHex(), "--data-dir", dir.toString()))
        .isZero();
    assertThat(dir.resolve("wallet").resolve("incoming").resolve(pays.txidHex() + ".hex")).exists();
  }

  @Test
  void theLightClientIsOffUnlessConfiguredAndNeedsItsCheckpoint() throws Exception {
    Path file = dir.resolve("l.yaml");
    String meters =
        "platform: https://p.example\nmeters:\n  - name: grid\n    meter: tcp://127.0.0.1:502\n";
    Files.writeString(file, meters);
    assertThat(GatewayYaml.load(file, null).lightClient()).isEmpty();
    String hash = "00000000000000000a".repeat(3).substring(0, 54) + "0123456789";
    Files.writeString(
        file,
        meters
            + "lightClient:\n  checkpoint:\n    height: 870000\n    hash: \""
            + hash
            + "\"\n  sampleEvery: 4\n");
    assertThat(GatewayYaml.load(file, null).lightClient())
        .get()
        .satisfies(
            l -> {
              assertThat(l.checkpointHeight()).isEqualTo(870_000);
              assertThat(l.checkpointHash()).isEqualTo(hash);
              assertThat(l.sampleEvery()).isEqualTo(4);
              assertThat(l.headerSource()).isEmpty();
              assertThat(l.interval()).isEqualTo(LightClientConfig.DEFAULT_INTERVAL);
            });
    Files.writeString(file, meters + "lightClient:\n  sampleEvery: 4\n");
    assertThatThrownBy(() -> GatewayYaml.load(file, null))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("lightClient.checkpoint");
    Files.writeString(
        file, meters + "lightClient:\n  checkpoint:\n    height: 1\n    hash: \"abc\"\n");
    assertThatThrownBy(() -> GatewayYaml.load(file, null))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("64 hex digits");
  }

  @Test
  void flexibilityIsOffUnlessConfiguredAndItsKeysAreChecked() throws Exception {
    Path file = dir.resolve("f.yaml");
    String meters =
        "platform: https://p.example\nmeters:\n  - name: grid\n    meter: tcp://127.0.0.1:502\n";
    Files.writeString(file, meters);
    assertThat(GatewayYaml.load(file, null).flexibility()).isEmpty();
    // the documented section, uncommented
    String example =
        Files.readString(
            Path.of(System.getProperty("peerwatt.root"), "deploy", "examples", "gateway.yaml"));
    StringBuilder section = new StringBuilder();
    boolean in = false;
    for (String line : example.split("\n")) {
      if (line.equals("#flexibility:")) {
        in = true;
      }
      if (in && line.startsWith("#")) {
        section.append(line.substring(1)).append('\n');
      } else if (in) {
        break;
      }
    }
    Files.writeString(file, meters + section);
    assertThat(GatewayYaml.load(file, null).flexibility())
        .get()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(FlexibilityConfig.Kind.BATTERY);
              assertThat(f.device().port()).isEqualTo(502);
              assertThat(f.sunSpecModel()).hasValue(124);
              assertThat(f.minStateOfChargePercent()).isEqualTo(20);
              assertThat(f.maxPowerWatts()).isEqualTo(3_000);
              assertThat(f.allowedHours()).hasToString("07:00-22:00");
              assertThat(f.timeZone()).isEqualTo(java.time.ZoneId.of("Europe/Berlin"));
              assertThat(f.contactTimeout()).isEqualTo(Duration.ofMinutes(5));
              assertThat(f.clockSkew()).isEqualTo(Duration.ofSeconds(30));
            });
    String minimal =
        meters
            + "flexibility:\n  kind: inverter\n  modbus: tcp://127.0.0.1:1502\n"
            + "  ratedPowerWatts: 6000\n  maxPowerWatts: 4000\n  allowedHours: \"22:00-06:00\"\n";
    Files.writeString(file, minimal);
    assertThat(GatewayYaml.load(file, null).flexibility())
        .get()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(FlexibilityConfig.Kind.INVERTER);
              assertThat(f.sunSpecModel()).isEmpty();
              assertThat(f.unitId()).isEqualTo(1);
              assertThat(f.timeZone()).isEqualTo(java.time.ZoneId.systemDefault());
            });
    Map<String, String> bad =
        Map.of(
            minimal.replace("kind: inverter", "kind: heatpump"),
            "flexibility.kind",
            minimal.replace("  ratedPowerWatts: 6000\n", ""),
            "ratedPowerWatts",
            minimal.replace("\"22:00-06:00\"", "evenings"),
            "07:00-22:00",
            minimal.replace("  maxPowerWatts: 4000\n", ""),
            "flexibility.maxPowerWatts",
            minimal + "  timeZone: Mars/Olympus\n",
            "flexibility.timeZone",
            minimal + "  sunSpecModel: 124\n",
            "not 124",
            minimal + "  minStateOfChargePercent: 101\n",
            "0..100",
            minimal + "  colour: red\n",
            "colour",
            minimal.replace("tcp://127.0.0.1:1502", "rtu:///dev/ttyUSB0"),
            "Modbus TCP");
    for (Map.Entry<String, String> b : bad.entrySet()) {
      Files.writeString(file, b.getKey());
      assertThatThrownBy(() -> GatewayYaml.load(file, null))
          .isInstanceOf(UserError.class)
          .hasMessageContaining(b.getValue());
    }
    Files.writeString(file, minimal.replace("platform: https://p.example\n", ""));
    assertThatThrownBy(() -> GatewayYaml.load(file, null))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("flexibility needs a platform");
  }

  @Test
  void unknownAndBadKeysAreNamed() throws Exception {
    Path file = dir.resolve("g.yaml");
    Files.writeString(
        file, "meters:\n  - name: grid\n    meter: tcp://127.0.0.1:502\n    unitt: 1\n");
    assertThatThrownBy(() -> GatewayYaml.load(file, null))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("unknown key 'meters[0].unitt'");
    Files.writeString(
        file,
        "upload:\n  batchSize: 900\nmeters:\n  - name: grid\n    meter: tcp://127.0.0.1:502\n");
    assertThatThrownBy(() -> GatewayYaml.load(file, null)).hasMessageContaining("upload.batchSize");
    Files.writeString(
        file, "readingInterval: soon\nmeters:\n  - name: grid\n    meter: tcp://127.0.0.1:502\n");
    assertThatThrownBy(() -> GatewayYaml.load(file, null))
        .hasMessageContaining("readingInterval must be a duration");
    Files.writeString(file, "meters:\n  - name: grid\n    meter: serial://x\n");
    assertThatThrownBy(() -> GatewayYaml.load(file, null)).hasMessageContaining("meters[0].meter");
  }

  @Test
  void probePrintsOneReadingAsJson() throws Exception {
    MeterSimulator sim =
        new MeterSimulator(MeterSimulator.Model.SUNSPEC_203, 1, 5, 1, Clock.systemUTC());
    sim.start(0);
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      int code =
          PeerwattCommand.run(
              "gateway", "probe", "--meter", "tcp://127.0.0.1:" + sim.port(), "--unit", "1");
      assertThat(code).isZero();
    } finally {
      System.setOut(original);
      sim.stop();
    }
    JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(json.get("map").asText()).isEqualTo("sunspec-203");
    assertThat(json.get("importWh").asLong()).isGreaterThan(12_000_000);
    assertThat(json.has("exportWh") && json.has("powerW") && json.has("voltageV")).isTrue();
  }

  /** Runs {@code peerwatt ...} and returns what it printed on stdout; the exit code must be 0. */
  private static String run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      assertThat(PeerwattCommand.run(args)).isZero();
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void probeReadsAMeterThatLacksTheOptionalRegistersAndSaysWhich() throws Exception {
    MeterSimulator sim =
        new MeterSimulator(MeterSimulator.Model.SDM630, 1, 5, 1, Clock.systemUTC());
    sim.withhold("serial", false);
    sim.withhold("voltageL1", false);
    sim.start(0);
    try {
      JsonNode json =
          new ObjectMapper()
              .readTree(
                  run(
                      "gateway",
                      "probe",
                      "--meter",
                      "tcp://127.0.0.1:" + sim.port(),
                      "--map",
                      "sdm630"));
      assertThat(json.get("importWh").asLong()).isGreaterThan(12_000_000);
      assertThat(json.get("voltageV").isNull()).isTrue();
      assertThat(json.get("serial").asText()).isEmpty();
      assertThat(json.get("lacks"))
          .extracting(JsonNode::asText)
          .containsExactly("serial", "voltageL1");
    } finally {
      sim.stop();
    }
  }

  @Test
  void probeScanFindsWhichMetersAnswerAtWhichUnit() {
    SimulatedBus bus =
        new SimulatedBus(
                List.of(
                    new MeterSimulator(MeterSimulator.Model.SDM630, 1, 1, 1, Clock.systemUTC()),
                    new MeterSimulator(MeterSimulator.Model.EM24, 3, 2, 1, Clock.systemUTC()),
                    new MeterSimulator(
                        MeterSimulator.Model.SUNSPEC_203, 6, 3, 1, Clock.systemUTC())))
            .start(0);
    try {
      String out =
          run(
              "gateway",
              "probe",
              "--meter",
              "tcp://127.0.0.1:" + bus.port(),
              "--scan",
              "--units",
              "1-8",
              "--timeout",
              "150");
      assertThat(out.lines().filter(l -> l.startsWith("unit ")).toList())
          .satisfiesExactly(
              l -> assertThat(l).startsWith("unit 1: sdm630: import "),
              l -> assertThat(l).startsWith("unit 3: em24: import "),
              l -> assertThat(l).startsWith("unit 6: sunspec-203: import "));
      assertThat(out).contains("3 meter(s) found");
    } finally {
      bus.stop();
    }
    assertThat(
            PeerwattCommand.run(
                "gateway", "probe", "--meter", "tcp://127.0.0.1:1", "--scan", "--units", "0-3"))
        .isEqualTo(2);
  }
}

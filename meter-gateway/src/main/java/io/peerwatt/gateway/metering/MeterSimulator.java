package io.peerwatt.gateway.metering;

import com.digitalpetri.modbus.ExceptionCode;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.exceptions.UnknownUnitIdException;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.pdu.ReadInputRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadInputRegistersResponse;
import com.digitalpetri.modbus.serial.server.SerialPortServerTransport;
import com.digitalpetri.modbus.server.ModbusRequestContext;
import com.digitalpetri.modbus.server.ModbusRtuServer;
import com.digitalpetri.modbus.server.ModbusServer;
import com.digitalpetri.modbus.server.ModbusServices;
import com.digitalpetri.modbus.server.ModbusTcpServer;
import com.digitalpetri.modbus.server.ProcessImage;
import com.digitalpetri.modbus.tcp.server.NettyTcpServerTransport;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Modbus TCP meter simulator (digitalpetri server over a {@link ProcessImage}) for tests and the
 * demo: a household grid-connection meter whose PV production and household load follow daily
 * profiles in simulated time ({@code speed} simulated seconds per real second), and whose own
 * import/export counters advance with the net power. It serves the Eastron SDM630/SDM120, Carlo
 * Gavazzi EM24 or SunSpec 203/213 register map, and can inject faults (silence, Modbus exceptions,
 * NaN, counters going backwards, a serial change).
 *
 * <pre>{@code
 * MeterSimulator sim = new MeterSimulator(MeterSimulator.Model.SDM630, 1, 42, 60, Clock.systemUTC());
 * sim.start(0);
 * String uri = "tcp://127.0.0.1:" + sim.port();
 * ...
 * sim.stop();
 * }</pre>
 */
public final class MeterSimulator {

  /** The register map the simulator serves. */
  public enum Model {
    SDM630,
    SDM120,
    EM24,
    SUNSPEC_203,
    SUNSPEC_213
  }

  private static final long MS_PER_HOUR = 3_600_000L;
  /** Counters advance in steps of at most one simulated minute so profile shapes are followed. */
  private static final long STEP_MS = 60_000L;
  private static final int SUNSPEC_BASE = 40000;
  private static final int COMMON_LENGTH = 66;
  private static final int INT_METER_LENGTH = 105;
  private static final int FLOAT_METER_LENGTH = 124;

  private final Model model;
  private final int unitId;
  private final long seed;
  private final long speed;
  private final Clock clock;
  private final long realStartMs;
  private final long simStartMs;
  private final long pvPeakW;
  private final ProcessImage image = new ProcessImage();
  /** The map the image is laid out by (parsed once: requests refresh the image under a lock). */
  private final RegisterMap fixedMap;
  private final RegisterMap.SunSpecIntMeter intLayout;
  private final RegisterMap floatMap;

  private ModbusServer server;
  /** Own threads, so releasing digitalpetri's shared Netty resources elsewhere cannot stall the simulator. */
  private EventLoopGroup eventLoop;
  private ExecutorService executor;
  private volatile int port = -1;

  // simulation state, guarded by this
  private long simMs;
  private long importMilliWh;
  private long exportMilliWh;
  private long powerMilliW;
  private String serial;
  private int exceptionCode;
  private boolean silent;
  private boolean invalidEnergy;

  /**
   * @param model which register map to serve
   * @param unitId the Modbus unit id it answers to (others get no answer, like a real meter)
   * @param seed makes load noise and clouds reproducible
   * @param speed simulated seconds per real second (1 = real time)
   * @param clock the real clock (tests pass a controllable one)
   */
  public MeterSimulator(Model model, int unitId, long seed, long speed, Clock clock) {
    this(model, unitId, seed, speed, clock, clock.instant(), 5_000, 12_345_678, 2_345_678);
  }

  /**
   * @param simStart the simulated instant at the real start time
   * @param pvPeakW PV peak power (0 = no PV)
   * @param startImportWh and {@code startExportWh}: the counters at {@code simStart}
   */
  public MeterSimulator(Model model, int unitId, long seed, long speed, Clock clock, Instant simStart,
      long pvPeakW, long startImportWh, long startExportWh) {
    if (speed < 1) {
      throw new IllegalArgumentException("speed must be at least 1");
    }
    this.model = model;
    this.unitId = unitId;
    this.seed = seed;
    this.speed = speed;
    this.clock = clock;
    this.realStartMs = clock.millis();
    this.simStartMs = simStart.toEpochMilli();
    this.pvPeakW = pvPeakW;
    this.simMs = simStartMs;
    this.importMilliWh = Math.multiplyExact(startImportWh, 1000);
    this.exportMilliWh = Math.multiplyExact(startExportWh, 1000);
    this.serial = Long.toString(10_000_000 + Math.floorMod(seed, 89_999_999));
    this.powerMilliW = netPowerMilliW(simStartMs);
    this.fixedMap = switch (model) {
      case SDM630, SDM120, EM24 -> RegisterMap.load(model.name().toLowerCase(java.util.Locale.ROOT));
      default -> null;
    };
    this.intLayout = model == Model.SUNSPEC_203 ? RegisterMap.sunSpecIntMeter(203) : null;
    this.floatMap = model == Model.SUNSPEC_213 ? RegisterMap.load("sunspec-float-meter") : null;
    refreshImage();
  }

  /** Binds the Modbus TCP server on 127.0.0.1 ({@code port} 0 = any free port, see {@link #port()}). */
  public synchronized void start(int requestedPort) {
    CompletableFuture<Integer> bound = new CompletableFuture<>();
    eventLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    executor = Executors.newSingleThreadExecutor(daemon("meter-simulator"));
    NettyTcpServerTransport transport =
        NettyTcpServerTransport.create(
            cfg ->
                cfg.setBindAddress("127.0.0.1")
                    .setEventLoopGroup(eventLoop)
                    .setExecutor(executor)
                    .setPort(requestedPort)
                    .setBootstrapCustomizer(
                        bootstrap ->
                            bootstrap.handler(
                                new ChannelInboundHandlerAdapter() {
                                  @Override
                                  public void channelActive(ChannelHandlerContext ctx) {
                                    bound.complete(((InetSocketAddress) ctx.channel().localAddress()).getPort());
                                    ctx.fireChannelActive();
                                  }
                                })));
    ModbusTcpServer tcp = ModbusTcpServer.create(transport, new Services());
    server = tcp;
    try {
      tcp.start();
      port = bound.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("meter simulator could not bind port " + requestedPort, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the meter simulator", e);
    }
  }

  /**
   * Serves Modbus RTU on a serial device instead (8 data bits, no parity, 1 stop bit), e.g. one end
   * of a {@code socat} pseudo-terminal pair in tests.
   */
  public synchronized void startRtu(String serialDevice, int baud) {
    executor = Executors.newSingleThreadExecutor(daemon("meter-simulator-rtu"));
    SerialPortServerTransport transport = SerialPortServerTransport.create(
        cfg -> cfg.setSerialPort(serialDevice).setBaudRate(baud).setExecutor(executor));
    ModbusRtuServer rtu = ModbusRtuServer.create(transport, new Services());
    server = rtu;
    try {
      rtu.start();
    } catch (ExecutionException e) {
      throw new IllegalStateException("meter simulator could not open " + serialDevice, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the meter simulator", e);
    }
  }

  /** The bound TCP port. */
  public int port() {
    if (port < 0) {
      throw new IllegalStateException("simulator not started");
    }
    return port;
  }

  /** Stops the server and its threads. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      if (server instanceof ModbusTcpServer tcp) {
        tcp.stop();
      } else if (server instanceof ModbusRtuServer rtu) {
        rtu.stop();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("meter simulator did not stop cleanly", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      server = null;
      port = -1;
      if (eventLoop != null) {
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        eventLoop = null;
      }
      if (executor != null) {
        executor.shutdownNow();
        executor = null;
      }
    }
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  public Model model() {
    return model;
  }

  /** Current simulated instant. */
  public synchronized Instant simulatedNow() {
    advance();
    return Instant.ofEpochMilli(simMs);
  }

  /** The counters and power now, as the meter would report them (whole Wh, W). */
  public synchronized MeterSample truth() {
    advance();
    return new MeterSample(model.name(), serial, importMilliWh / 1000, exportMilliWh / 1000,
        powerMilliW / 1000, 230_000 + voltageWobbleMilliV(simMs));
  }

  /** Answer every read with this Modbus exception code (0 = answer normally). */
  public synchronized void failWith(int modbusExceptionCode) {
    this.exceptionCode = modbusExceptionCode;
  }

  /** Stop answering (the client sees timeouts), or answer again. */
  public synchronized void silent(boolean on) {
    this.silent = on;
  }

  /** Serve unusable energy values: NaN for float maps, a negative count for EM24, no TotWh_SF for SunSpec 203. */
  public synchronized void invalidEnergy(boolean on) {
    this.invalidEnergy = on;
    refreshImage();
  }

  /** Moves both energy counters by {@code deltaWh} (negative = the counters go backwards). */
  public synchronized void shiftCounters(long deltaWh) {
    advance();
    importMilliWh = Math.max(0, importMilliWh + deltaWh * 1000);
    exportMilliWh = Math.max(0, exportMilliWh + deltaWh * 1000);
    refreshImage();
  }

  /** Replaces the meter's serial number (digits only for Eastron), as a swapped meter would. */
  public synchronized void serial(String newSerial) {
    this.serial = newSerial;
    refreshImage();
  }

  // ---- profiles -------------------------------------------------------------------------------

  /** Net power at the grid connection: household load minus PV production. */
  private long netPowerMilliW(long atSimMs) {
    return householdLoadMilliW(atSimMs) - pvMilliW(atSimMs);
  }

  private long householdLoadMilliW(long atSimMs) {
    int minuteOfDay = Instant.ofEpochMilli(atSimMs).atZone(ZoneOffset.UTC).toLocalTime().toSecondOfDay() / 60;
    long baseW = 250;
    long peakW = 0;
    if (minuteOfDay >= 6 * 60 + 30 && minuteOfDay < 8 * 60) {
      peakW = 900;
    } else if (minuteOfDay >= 17 * 60 + 30 && minuteOfDay < 21 * 60 + 30) {
      peakW = 1_600;
    }
    long noiseW = new SplittableRandom(seed ^ (atSimMs / 60_000)).nextLong(0, 400);
    return (baseW + peakW + noiseW) * 1000;
  }

  private long pvMilliW(long atSimMs) {
    if (pvPeakW == 0) {
      return 0;
    }
    int secondOfDay = Instant.ofEpochMilli(atSimMs).atZone(ZoneOffset.UTC).toLocalTime().toSecondOfDay();
    // daylight 06:00-18:00 UTC, a sine bell peaking at noon
    double dayFraction = (secondOfDay - 6 * 3600) / (12.0 * 3600);
    if (dayFraction <= 0 || dayFraction >= 1) {
      return 0;
    }
    double bell = Math.sin(Math.PI * dayFraction);
    // clouds change every 10 simulated minutes: 40-100 % of clear sky
    int clouds = 40 + new SplittableRandom(seed * 31 + atSimMs / 600_000).nextInt(61);
    return Math.round(pvPeakW * 1000 * bell * clouds / 100.0);
  }

  private long voltageWobbleMilliV(long atSimMs) {
    return new SplittableRandom(seed + atSimMs / 10_000).nextLong(-3_000, 3_000);
  }

  /** Integrates net power from the last update to the simulated now, one minute at a time. */
  private void advance() {
    long target = simStartMs + Math.multiplyExact(clock.millis() - realStartMs, speed);
    while (simMs < target) {
      long step = Math.min(STEP_MS, target - simMs);
      long p = netPowerMilliW(simMs);
      // milliwatt * ms / ms-per-hour = milliwatt-hours
      long deltaMilliWh = Math.multiplyExact(Math.abs(p), step) / MS_PER_HOUR;
      if (p >= 0) {
        importMilliWh += deltaMilliWh;
      } else {
        exportMilliWh += deltaMilliWh;
      }
      simMs += step;
      powerMilliW = p;
    }
  }

  // ---- register image -------------------------------------------------------------------------

  private void refreshImage() {
    long importWh = importMilliWh / 1000;
    long exportWh = exportMilliWh / 1000;
    long powerW = powerMilliW / 1000;
    long voltageMilliV = 230_000 + voltageWobbleMilliV(simMs);
    switch (model) {
      case SDM630, SDM120, EM24 -> fixedImage(importWh, exportWh, powerW, voltageMilliV);
      case SUNSPEC_203 -> sunSpecIntImage(importWh, exportWh, powerW, voltageMilliV);
      case SUNSPEC_213 -> sunSpecFloatImage(importWh, exportWh, powerW, voltageMilliV);
      default -> throw new IllegalStateException("unknown model " + model);
    }
  }

  private void fixedImage(long importWh, long exportWh, long powerW, long voltageMilliV) {
    RegisterMap map = fixedMap;
    image.with(tx -> {
      put(tx, map.point(RegisterMap.VOLTAGE), map.point(RegisterMap.VOLTAGE).encode(voltageMilliV));
      put(tx, map.point(RegisterMap.POWER), map.point(RegisterMap.POWER).encode(powerW));
      RegisterPoint imp = map.point(RegisterMap.IMPORT);
      RegisterPoint exp = map.point(RegisterMap.EXPORT);
      if (invalidEnergy) {
        byte[] bad = imp.type() == RegisterType.FLOAT32 ? imp.encodeRaw32(Float.floatToIntBits(Float.NaN))
            : imp.encode(-1000);
        put(tx, imp, bad);
      } else {
        put(tx, imp, imp.encode(importWh));
      }
      put(tx, exp, exp.encode(exportWh));
      RegisterPoint serialPoint = map.point(RegisterMap.SERIAL);
      put(tx, serialPoint, serialPoint.type() == RegisterType.STRING
          ? serialPoint.encodeText(serial) : serialPoint.encode(Long.parseLong(serial)));
      if (map.points().containsKey(RegisterMap.IDENTITY)) {
        put(tx, map.point(RegisterMap.IDENTITY), map.point(RegisterMap.IDENTITY).encode(1651));
      }
    });
  }

  private void sunSpecIntImage(long importWh, long exportWh, long powerW, long voltageMilliV) {
    Map<String, RegisterPoint> p = intLayout.points();
    int modelAddress = SUNSPEC_BASE + 2 + 2 + COMMON_LENGTH;
    image.with(tx -> tx.writeHoldingRegisters(regs -> {
      commonModel(regs, "SIM-203");
      write(regs, modelAddress, words(203, INT_METER_LENGTH));
      // every point this meter does not measure reads as int16 "not implemented"
      for (int i = 0; i < INT_METER_LENGTH; i++) {
        write(regs, modelAddress + 2 + i, words(0x8000));
      }
      int a = modelAddress;
      // V_SF -2: 230.12 V is 23012; W_SF 0; TotWh_SF 0 (Wh); A_SF -2
      write(regs, a + p.get("V_SF").address(), p.get("V_SF").encode(-2));
      write(regs, a + p.get("PhVphA").address(), p.get("PhVphA").encode(voltageMilliV / 10));
      write(regs, a + p.get("PhVphB").address(), p.get("PhVphB").encode(voltageMilliV / 10));
      write(regs, a + p.get("PhVphC").address(), p.get("PhVphC").encode(voltageMilliV / 10));
      write(regs, a + p.get("W_SF").address(), p.get("W_SF").encode(0));
      write(regs, a + p.get("W").address(), p.get("W").encode(Math.max(-32767, Math.min(32767, powerW))));
      write(regs, a + p.get("Hz_SF").address(), p.get("Hz_SF").encode(-2));
      write(regs, a + p.get("Hz").address(), p.get("Hz").encode(5000));
      write(regs, a + p.get("TotWh_SF").address(), invalidEnergy ? words(0x8000) : p.get("TotWh_SF").encode(0));
      write(regs, a + p.get("TotWhImp").address(), p.get("TotWhImp").encode(importWh));
      write(regs, a + p.get("TotWhExp").address(), p.get("TotWhExp").encode(exportWh));
      write(regs, a + 2 + INT_METER_LENGTH, words(0xFFFF, 0));
    }));
  }

  private void sunSpecFloatImage(long importWh, long exportWh, long powerW, long voltageMilliV) {
    RegisterMap map = floatMap;
    int modelAddress = SUNSPEC_BASE + 2 + 2 + COMMON_LENGTH;
    image.with(tx -> tx.writeHoldingRegisters(regs -> {
      commonModel(regs, "SIM-213");
      write(regs, modelAddress, words(213, FLOAT_METER_LENGTH));
      // every float this meter does not measure reads as NaN, "not implemented"
      for (int i = 0; i < FLOAT_METER_LENGTH; i += 2) {
        write(regs, modelAddress + 2 + i, words(0x7FC0, 0x0000));
      }
      RegisterPoint imp = map.point(RegisterMap.IMPORT);
      write(regs, modelAddress + imp.address(),
          invalidEnergy ? imp.encodeRaw32(Float.floatToIntBits(Float.NaN)) : imp.encode(importWh));
      RegisterPoint exp = map.point(RegisterMap.EXPORT);
      write(regs, modelAddress + exp.address(), exp.encode(exportWh));
      RegisterPoint w = map.point(RegisterMap.POWER);
      write(regs, modelAddress + w.address(), w.encode(powerW));
      RegisterPoint v = map.point(RegisterMap.VOLTAGE);
      write(regs, modelAddress + v.address(), v.encode(voltageMilliV));
      write(regs, modelAddress + 2 + FLOAT_METER_LENGTH, words(0xFFFF, 0));
    }));
  }

  private void commonModel(Map<Integer, byte[]> regs, String modelName) {
    write(regs, SUNSPEC_BASE, words(MeterDriver.SUNS_HIGH, MeterDriver.SUNS_LOW));
    int common = SUNSPEC_BASE + 2;
    write(regs, common, words(1, COMMON_LENGTH));
    write(regs, common + 2, new byte[COMMON_LENGTH * 2]);
    write(regs, common + 2, text("PeerWatt", 16));
    write(regs, common + 18, text(modelName, 16));
    write(regs, common + 50, text(serial, 16));
  }

  private static byte[] text(String value, int registerCount) {
    byte[] out = new byte[registerCount * 2];
    byte[] ascii = value.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(ascii, 0, out, 0, Math.min(out.length, ascii.length));
    return out;
  }

  private static byte[] words(int... values) {
    byte[] out = new byte[values.length * 2];
    for (int i = 0; i < values.length; i++) {
      out[2 * i] = (byte) (values[i] >>> 8);
      out[2 * i + 1] = (byte) values[i];
    }
    return out;
  }

  private static void write(Map<Integer, byte[]> regs, int address, byte[] bytes) {
    for (int i = 0; i < bytes.length / 2; i++) {
      regs.put(address + i, new byte[] {bytes[2 * i], bytes[2 * i + 1]});
    }
  }

  private static void put(ProcessImage.Transaction tx, RegisterPoint point, byte[] bytes) {
    if (point.functionCode() == 4) {
      tx.writeInputRegisters(regs -> write(regs, point.address(), bytes));
    } else {
      tx.writeHoldingRegisters(regs -> write(regs, point.address(), bytes));
    }
  }

  /**
   * Answers reads from the process image after bringing the counters up to the simulated now; a
   * register the meter does not have is an illegal data address (exception 2), like real meters.
   */
  private final class Services implements ModbusServices {
    @Override
    public ReadInputRegistersResponse readInputRegisters(
        ModbusRequestContext context, int requestedUnit, ReadInputRegistersRequest request)
        throws ModbusResponseException, UnknownUnitIdException {
      before(requestedUnit, 4);
      byte[] out = image.get(tx -> tx.readInputRegisters(regs -> copy(regs, request.address(), request.quantity())));
      if (out == null) {
        throw new ModbusResponseException(4, ExceptionCode.ILLEGAL_DATA_ADDRESS.getCode());
      }
      return new ReadInputRegistersResponse(out);
    }

    @Override
    public ReadHoldingRegistersResponse readHoldingRegisters(
        ModbusRequestContext context, int requestedUnit, ReadHoldingRegistersRequest request)
        throws ModbusResponseException, UnknownUnitIdException {
      before(requestedUnit, 3);
      byte[] out = image.get(tx -> tx.readHoldingRegisters(regs -> copy(regs, request.address(), request.quantity())));
      if (out == null) {
        throw new ModbusResponseException(3, ExceptionCode.ILLEGAL_DATA_ADDRESS.getCode());
      }
      return new ReadHoldingRegistersResponse(out);
    }

    private byte[] copy(Map<Integer, byte[]> regs, int address, int quantity) {
      byte[] out = new byte[quantity * 2];
      for (int i = 0; i < quantity; i++) {
        byte[] word = regs.get(address + i);
        if (word == null) {
          return null;
        }
        out[2 * i] = word[0];
        out[2 * i + 1] = word[1];
      }
      return out;
    }

    private void before(int requestedUnit, int functionCode) throws UnknownUnitIdException, ModbusResponseException {
      synchronized (MeterSimulator.this) {
        if (silent || requestedUnit != unitId) {
          // a real meter on a shared line says nothing to another unit id; digitalpetri then sends nothing
          throw new UnknownUnitIdException(requestedUnit);
        }
        if (exceptionCode != 0) {
          throw new ModbusResponseException(functionCode, exceptionCode);
        }
        advance();
        refreshImage();
      }
    }
  }
}

# Manual cross-check with a Modbus server we did not write (pymodbus 3.x, pip install pymodbus):
#   python3 third_party_meter.py 15030 1
#   peerwatt gateway probe --meter tcp://127.0.0.1:15030 --unit 5 --map sdm630   -> importWh 4321500, exportWh 1234250, powerW -1234, voltageV 230.500, serial 19088743
#   peerwatt gateway probe --meter tcp://127.0.0.1:15030 --unit 6 --map auto     -> sunspec-203, importWh 123456700, exportWh 12345600, powerW 1500, voltageV 231.100
# Second argument: first address of the pymodbus data blocks (1 for pymodbus 3.15, which offsets by one).
# A Modbus TCP server we did not write (pymodbus) with hand-encoded SDM630 (unit 5) and SunSpec 203 (unit 6) images.
import struct, sys, logging
from pymodbus.server import StartTcpServer
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusDeviceContext, ModbusServerContext
OFF = int(sys.argv[2])
def f32(v): return list(struct.unpack('>HH', struct.pack('>f', v)))
ir = [0]*0x10000; hr = [0]*0x10000
# SDM630: V1 230.5 V @30001, total power -1234.5 W @30053, import 4321.5 kWh @30073, export 1234.25 kWh @30075, serial 0xFC00
ir[0:2] = f32(230.5); ir[0x34:0x36] = f32(-1234.5); ir[0x48:0x4A] = f32(4321.5); ir[0x4A:0x4C] = f32(1234.25)
hr[0xFC00:0xFC02] = [0x0123, 0x4567]
sun = [0]*0x10000
def text(s, n): b = s.encode().ljust(2*n, b'\0'); return list(struct.unpack('>%dH' % n, b))
base = 40000
sun[base:base+2] = [0x5375, 0x6E53]
sun[base+2:base+4] = [1, 66]; sun[base+4:base+20] = text('Acme', 16); sun[base+20:base+36] = text('M203', 16); sun[base+52:base+68] = text('SN-77', 16)
m = base + 70
sun[m:m+2] = [203, 105]
for i in range(105): sun[m+2+i] = 0x8000
sun[m+8] = 2311; sun[m+15] = 0xFFFF  # PhVphA 231.1 V with V_SF -1
sun[m+18] = 150; sun[m+22] = 1     # W 150 * 10^1 = 1500 W
sun[m+38:m+40] = [0x0001, 0xE240]; sun[m+46:m+48] = [0x0012, 0xD687]; sun[m+54] = 2  # TotWhExp 123456*100, TotWhImp 1234567*100, TotWh_SF 2
sun[m+2+105:m+4+105] = [0xFFFF, 0]
def block(values): return ModbusSequentialDataBlock(OFF, values[:0x10000-OFF] if OFF else values)
ctx = ModbusServerContext(devices={5: ModbusDeviceContext(ir=block(ir), hr=block(hr)), 6: ModbusDeviceContext(hr=block(sun))}, single=False)
logging.basicConfig(level=logging.ERROR)
StartTcpServer(context=ctx, address=("127.0.0.1", int(sys.argv[1])))

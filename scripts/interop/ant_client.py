#!/usr/bin/python3
"""A small ANT smart BMS client, written independently of pibms to test its ANT emulation.

It speaks both ANT serial protocols. "Section" in the comments means a section of the ANT
protocol research notes (ant-protocol.md: 2 = the old protocol, 3 = the new one, 6 = captured
frames), which this client and pibms's emulation were both written from.

    ant_client.py --device /dev/ttyUSB0 status --protocol old|new
    ant_client.py --device /dev/ttyUSB0 mos charge|discharge on|off --protocol old|new [--password PW]
    ant_client.py --device /dev/ttyUSB0 info
    ant_client.py --self-test

Every command prints one JSON object on stdout. Exit code 0 = success, 2 = no valid answer (timeout,
bad checksum, malformed frame) or the serial port could not be opened.

Only the standard library and pyserial (Debian's python3-serial), so that it runs with the system
interpreter on a bare CI machine or a Pi.
"""

import argparse
import json
import sys
import time

OLD_STATUS_REQUEST = bytes.fromhex("DB DB 00 00 00 00")
OLD_HEADER = bytes.fromhex("AA 55 AA FF")
OLD_FRAME_LEN = 140

NEW_START = bytes.fromhex("7E A1")
NEW_END = bytes.fromhex("AA 55")
NEW_STATUS_REQUEST = bytes.fromhex("7E A1 01 00 00 BE 18 55 AA 55")
NEW_INFO_REQUEST = bytes.fromhex("7E A1 02 6C 02 20 58 C4 AA 55")
# Replies 0x12 and 0x42 carry a fixed 6-byte block between their CRC and AA 55 (section 3.2).
NEW_TRAILERS = {0x12: bytes.fromhex("FF 0B 00 00 41 F2"), 0x42: bytes.fromhex("FF 0A 00 00 10 32")}
AUTH_ADDRESS = 0x016A
INFO_ADDRESS = 0x026C

OLD_MOS_REGISTER = {"charge": 0xFA, "discharge": 0xF9}
NEW_MOS_ADDRESS = {("charge", "off"): 0x04, ("charge", "on"): 0x06,
                   ("discharge", "off"): 0x01, ("discharge", "on"): 0x03}

# How long the old protocol's write commands are given to produce (and have discarded) any echo:
# the protocol defines no reply.
OLD_WRITE_SETTLE_S = 0.3


class ProtocolError(Exception):
    """No valid frame: timeout, bad checksum or a malformed frame. Exit code 2."""


# ---------------------------------------------------------------------------------------------
# Checksums and command frames


def crc16_modbus(data):
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            if crc & 1:
                crc = (crc >> 1) ^ 0xA001
            else:
                crc >>= 1
    return crc


def old_checksum(frame):
    # The header AA 55 AA FF is left out of the sum (section 2.3).
    return sum(frame[4:138]) & 0xFFFF


def old_write(register, value):
    body = bytes([register, (value >> 8) & 0xFF, value & 0xFF])
    return bytes([0xA5, 0xA5]) + body + bytes([sum(body) & 0xFF])


def old_password_writes(password):
    """The four A5 A5 F1..F4 writes: 2 ASCII chars per register, first char high, NUL-padded."""
    raw = password.encode("ascii")
    if len(raw) > 8:
        raise ValueError("the old protocol's password is at most 8 characters")
    raw = raw.ljust(8, b"\0")
    return [old_write(0xF1 + i, (raw[2 * i] << 8) | raw[2 * i + 1]) for i in range(4)]


def new_request(code, address, length, data=b""):
    body = bytes([0xA1, code, address & 0xFF, (address >> 8) & 0xFF, length]) + data
    crc = crc16_modbus(body)
    return bytes([0x7E]) + body + bytes([crc & 0xFF, crc >> 8]) + NEW_END


def new_auth_request(password):
    raw = password.encode("ascii")
    if len(raw) > 255:
        raise ValueError("password too long")
    return new_request(0x23, AUTH_ADDRESS, len(raw), raw)


def new_control_request(address):
    # The length byte is 0: a control command carries no value (section 3.8).
    return new_request(0x51, address, 0)


# ---------------------------------------------------------------------------------------------
# Finding frames in a byte stream
#
# Each finder takes the bytes received so far and returns (frame, rest) or (None, rest). It skips
# junk before a preamble and false preambles inside junk, keeps an incomplete frame for the next
# read, and raises ProtocolError for a frame that is complete but fails its checksum: pibms
# sending a corrupt frame is exactly what this client is meant to catch.


def find_old_frame(buf):
    start = buf.find(OLD_HEADER)
    if start < 0:
        return None, buf[-3:]  # it may end in the first bytes of a header
    if len(buf) - start < OLD_FRAME_LEN:
        return None, buf[start:]
    frame = buf[start:start + OLD_FRAME_LEN]
    stored = (frame[138] << 8) | frame[139]
    if stored != old_checksum(frame):
        raise ProtocolError("old-protocol frame with a bad checksum: stored 0x%04X, computed 0x%04X; "
                            "frame %s" % (stored, old_checksum(frame), frame.hex(" ")))
    return frame, buf[start + OLD_FRAME_LEN:]


def _new_frame_at(buf, start):
    """The new-protocol frame starting at start: the frame, None if incomplete, False if not a frame."""
    if len(buf) - start < 6:
        return None
    code, length = buf[start + 2], buf[start + 5]
    crc_at = 6 + length
    trailer = NEW_TRAILERS.get(code, b"")
    total = crc_at + 2 + len(trailer) + 2
    if trailer and buf[start + crc_at + 2:start + crc_at + 4] == NEW_END:
        # Ends where it would without the trailer: say so rather than wait for bytes that never come.
        short = buf[start:start + crc_at + 4]
        if crc16_modbus(short[1:crc_at]) == short[crc_at] | (short[crc_at + 1] << 8):
            raise ProtocolError("new-protocol 0x%02X frame without the trailer %s; frame %s"
                                % (code, trailer.hex(" "), short.hex(" ")))
    if len(buf) - start < total:
        return None
    frame = buf[start:start + total]
    if frame[-2:] != NEW_END:
        return False  # a 7E A1 inside junk, or a frame of another shape
    stored = frame[crc_at] | (frame[crc_at + 1] << 8)
    computed = crc16_modbus(frame[1:crc_at])
    if stored != computed:
        raise ProtocolError("new-protocol frame with a bad CRC: stored 0x%04X, computed 0x%04X; frame %s"
                            % (stored, computed, frame.hex(" ")))
    if trailer and frame[crc_at + 2:crc_at + 2 + len(trailer)] != trailer:
        raise ProtocolError("new-protocol 0x%02X frame with a trailer other than %s; frame %s"
                            % (code, trailer.hex(" "), frame.hex(" ")))
    return frame


def find_new_frame(buf, code, address=None):
    """The first valid frame with this function code (and address); other valid frames are dropped."""
    keep_from = None
    start = buf.find(NEW_START)
    while start >= 0:
        frame = _new_frame_at(buf, start)
        if frame is None:
            # Incomplete, or a false preamble claiming a long length: keep it, but look further
            # in case a complete frame follows.
            if keep_from is None:
                keep_from = start
            start = buf.find(NEW_START, start + 1)
            continue
        if frame is False:
            start = buf.find(NEW_START, start + 1)
            continue
        frame_address = frame[3] | (frame[4] << 8)
        if frame[2] == code and (address is None or frame_address == address):
            return frame, buf[start + len(frame):]
        # Anything before a valid frame was junk, including an incomplete candidate.
        keep_from = None
        start = buf.find(NEW_START, start + len(frame))
    if keep_from is not None:
        return None, buf[keep_from:]
    return None, buf[-1:]


# ---------------------------------------------------------------------------------------------
# Decoding


def _u16be(b, i):
    return (b[i] << 8) | b[i + 1]


def _s16be(b, i):
    v = _u16be(b, i)
    return v - 0x10000 if v & 0x8000 else v


def _s32be(b, i):
    v = int.from_bytes(b[i:i + 4], "big")
    return v - 0x100000000 if v & 0x80000000 else v


def _u16le(b, i):
    return b[i] | (b[i + 1] << 8)


def _s16le(b, i):
    v = _u16le(b, i)
    return v - 0x10000 if v & 0x8000 else v


def _current_mA(raw_dA):
    # The ANT reports discharge positive (sections 2.4 and 3.4); pibms counts charge positive.
    return -raw_dA * 100


def decode_old_status(frame):
    cells = frame[123]
    if not 1 <= cells <= 32:
        raise ProtocolError("old-protocol frame with %d cells (byte 123)" % cells)
    raw_current = _s32be(frame, 70)
    return {
        "protocol": "old",
        "cells_mV": [_u16be(frame, 6 + 2 * i) for i in range(cells)],
        "pack_mV": _u16be(frame, 4) * 100,
        "current_mA": _current_mA(raw_current),
        "soc_pct": frame[74],
        "charge_mos": frame[103],
        "discharge_mos": frame[104],
        "balancer": frame[105],
        "temps_C": [_s16be(frame, 91 + 2 * i) for i in range(6)],
        "raw_current_dA": raw_current,
    }


def decode_new_status(frame):
    probes, cells = frame[8], frame[9]
    o = 2 * (cells + probes)
    # The data length is tied to the cell and probe counts (section 3.4); a mismatch means the
    # offsets below would read the wrong fields.
    if frame[5] != 106 + o:
        raise ProtocolError("new-protocol status: length byte %d but %d cells and %d probes need %d"
                            % (frame[5], cells, probes, 106 + o))
    raw_current = _s16le(frame, 40 + o)
    # Probe temperatures, then the MOSFET and the balancer temperature.
    temps = [_s16le(frame, 34 + 2 * cells + 2 * i) for i in range(probes)]
    temps += [_s16le(frame, 34 + o), _s16le(frame, 36 + o)]
    return {
        "protocol": "new",
        "cells_mV": [_u16le(frame, 34 + 2 * i) for i in range(cells)],
        "pack_mV": _u16le(frame, 38 + o) * 10,
        "current_mA": _current_mA(raw_current),
        "soc_pct": _u16le(frame, 42 + o),
        # Byte 46+o as charge follows ESPHome and aiobmsble; other sources swap them (section 3.4).
        "charge_mos": frame[46 + o],
        "discharge_mos": frame[47 + o],
        "balancer": frame[48 + o],
        "temps_C": temps,
        "raw_current_dA": raw_current,
    }


def decode_info(frame):
    def text(b):
        return b.split(b"\0", 1)[0].decode("ascii", errors="replace")
    if frame[5] != 0x20:
        raise ProtocolError("device info with length byte %d, expected 32" % frame[5])
    return {"model": text(frame[6:22]), "version": text(frame[22:38])}


def reply_data(frame):
    return list(frame[6:6 + frame[5]])


# ---------------------------------------------------------------------------------------------
# The serial link


class Link:
    def __init__(self, device, baud, timeout):
        import serial  # here, so that --self-test runs without pyserial
        self.timeout = timeout
        try:
            self.port = serial.Serial(device, baud, bytesize=8, parity="N", stopbits=1, timeout=0.05)
        except (serial.SerialException, OSError) as e:
            raise ProtocolError("cannot open %s: %s" % (device, e))
        self.buf = b""

    def send(self, data):
        # A reply left over from an earlier exchange must not be taken for this one's.
        self.port.reset_input_buffer()
        self.buf = b""
        self.port.write(data)
        self.port.flush()

    def receive(self, finder, what):
        deadline = time.monotonic() + self.timeout
        received = b""
        while time.monotonic() < deadline:
            chunk = self.port.read(max(1, self.port.in_waiting))
            if not chunk:
                continue
            received += chunk
            frame, self.buf = finder(self.buf + chunk)
            if frame is not None:
                return frame
        shown = received[:200].hex(" ") + (" ..." if len(received) > 200 else "")
        raise ProtocolError("no %s within %.1f s; received %d bytes: %s"
                            % (what, self.timeout, len(received), shown or "(nothing)"))

    def drain(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.port.read(max(1, self.port.in_waiting))

    def close(self):
        self.port.close()


# ---------------------------------------------------------------------------------------------
# Commands


def cmd_status(link, protocol):
    if protocol == "old":
        link.send(OLD_STATUS_REQUEST)
        return decode_old_status(link.receive(find_old_frame, "old-protocol status frame (AA 55 AA FF)"))
    link.send(NEW_STATUS_REQUEST)
    frame = link.receive(lambda b: find_new_frame(b, 0x11, 0x0000), "new-protocol status reply (7E A1 11)")
    return decode_new_status(frame)


def cmd_mos(link, protocol, which, state, password):
    if protocol == "old":
        frames = old_password_writes(password) if password else []
        frames.append(old_write(OLD_MOS_REGISTER[which], 1 if state == "on" else 0))
        link.send(b"".join(frames))
        link.drain(OLD_WRITE_SETTLE_S)
        return {"sent": True}
    auth = None
    if password:
        link.send(new_auth_request(password))
        frame = link.receive(lambda b: find_new_frame(b, 0x43, AUTH_ADDRESS), "auth reply (7E A1 43)")
        auth = reply_data(frame)
    address = NEW_MOS_ADDRESS[(which, state)]
    link.send(new_control_request(address))
    frame = link.receive(lambda b: find_new_frame(b, 0x61, address), "control ack (7E A1 61 %02X)" % address)
    return {"auth": auth, "ack": reply_data(frame)}


def cmd_info(link):
    link.send(NEW_INFO_REQUEST)
    frame = link.receive(lambda b: find_new_frame(b, 0x12, INFO_ADDRESS), "device info reply (7E A1 12 6C 02)")
    return decode_info(frame)


# ---------------------------------------------------------------------------------------------
# Self-test: the real frames of the protocol notes, section 6


FRAME_OLD_14S = """
AA 55 AA FF 01 E8 0D AA 0D 9C 0D A4 0D 8E 0D 9C 0D 90 0D B4 0D 97 0D B5 0D B5 0D A8 0D 91
0D 9E 0D 8C 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
00 00 00 00 00 00 00 00 00 00 00 00 00 50 29 0A 21 FE 80 04 19 58 93 00 A9 84 0F 00 FA 08
31 00 16 00 15 00 15 00 15 00 15 00 15 01 01 00 03 E8 00 17 00 00 00 01 86 09 0D B5 0E 0D
8C 0D 9F 0E 00 00 00 70 00 6B 02 AC 00 00 00 00 40 01 15 F4
"""

FRAME_OLD_16S = """
AA 55 AA FF 02 7D 0F 8F 0F 8F 0F 8E 0F 8D 0F 8D 0F 8F 0F 90 0F 90 0F 8E 0F 90 0F 8F 0F 8C
0F 8C 0F 8E 0F 8D 0F 8F 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
00 00 00 00 00 00 00 00 00 00 00 00 00 00 54 0D F2 8E 80 0B A4 F0 4E 00 04 34 E2 00 17 B7
66 00 17 00 19 00 15 00 16 FF D8 FF D8 01 01 00 00 00 00 00 FF 00 00 00 00 07 0F 90 10 0F
8C 0F 8E 10 00 02 00 7F 00 7B 02 AF 00 00 00 00 00 00 19 A4
"""

FRAME_NEW_16S = """
7E A1 11 00 00 8E 05 01 02 10 00 00 00 00 00 00 00 00 80 00 80 01 00 00 00 00 00 00 00 00
00 00 00 00 E4 0C E4 0C E5 0C E5 0C E8 0C E7 0C E7 0C E6 0C E8 0C E7 0C E7 0C E7 0C E7 0C
E7 0C E6 0C E9 0C 01 00 02 00 02 00 07 00 A4 14 03 00 5B 00 64 00 01 01 00 00 00 76 B0 10
D5 67 0E 0F BA 32 4A 00 0F 00 00 00 10 58 2E 02 00 00 00 00 E9 0C 10 00 E4 0C 01 00 05 00
E6 0C 00 00 80 00 7A 00 0F 02 F2 FA B9 8C 3B 00 BB D8 58 00 DA 2D 43 00 E8 B6 49 00 05 43
AA 55
"""

FRAME_NEW_14S = """
7E A1 11 00 00 8E 05 01 04 0E 02 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00
00 00 00 00 11 10 11 10 11 10 11 10 11 10 11 10 11 10 11 10 11 10 11 10 11 10 11 10 11 10
11 10 1C 00 1C 00 D8 FF 1C 00 1C 00 1C 00 7E 16 00 00 60 00 64 00 01 02 00 00 80 C3 C9 01
4F 55 B3 01 08 53 00 00 00 00 00 00 6B 28 12 00 00 00 00 00 11 10 01 00 11 10 01 00 00 00
11 10 02 00 70 00 03 00 AC 02 F1 FA 7D 2E 00 00 94 77 00 00 DE 07 00 00 77 76 00 00 35 E2
AA 55
"""

FRAME_NEW_INFO = """
7E A1 12 6C 02 20 31 36 5A 4D 00 00 00 00 00 00 00 00 00 00 00 00 31 36 5A 4D 55 42
30 30 2D 32 31 31 30 32 36 41 72 08 FF 0B 00 00 41 F2 AA 55
"""

# Section 6.2.7: control requests and their acks; 3.9: the captured auth ack.
CONTROL_EXCHANGES = [
    ("charge", "on", "7E A1 51 06 00 00 69 24 AA 55", "7E A1 61 06 00 02 01 00 8B EB AA 55"),
    ("discharge", "on", "7E A1 51 03 00 00 79 25 AA 55", "7E A1 61 03 00 02 01 00 47 EB AA 55"),
    ("charge", "off", "7E A1 51 04 00 00 C8 E4 AA 55", "7E A1 61 04 00 02 01 00 F2 2B AA 55"),
    ("discharge", "off", "7E A1 51 01 00 00 D8 E5 AA 55", "7E A1 61 01 00 02 01 00 3E 2B AA 55"),
]
AUTH_ACK = "7E A1 43 6A 01 02 05 00 1E 5C AA 55"
# Section 6.1.4: password "12345678" as the phone app sent it, then charge on/off, discharge on.
OLD_WRITES = {
    "password": ["A5 A5 F1 31 32 54", "A5 A5 F2 33 34 59", "A5 A5 F3 35 36 5E", "A5 A5 F4 37 38 63"],
    "charge on": "A5 A5 FA 00 01 FB", "charge off": "A5 A5 FA 00 00 FA", "discharge on": "A5 A5 F9 00 01 FA",
}


def _hex(text):
    return bytes.fromhex(" ".join(text.split()))


def _expect(name, actual, expected):
    if actual != expected:
        raise AssertionError("%s: got %r, expected %r" % (name, actual, expected))


def _feed(finder, chunks):
    """Runs a finder over the chunks as a serial read would deliver them; the frames found."""
    frames, buf = [], b""
    for chunk in chunks:
        buf += chunk
        while True:
            frame, buf = finder(buf)
            if frame is None:
                break
            frames.append(frame)
    return frames


def _expect_error(name, finder, data, phrase):
    try:
        finder(data)
    except ProtocolError as e:
        if phrase not in str(e):
            raise AssertionError("%s: error %r does not mention %r" % (name, str(e), phrase))
        return
    raise AssertionError("%s: no error" % name)


def self_test():
    old14, old16 = _hex(FRAME_OLD_14S), _hex(FRAME_OLD_16S)
    new16, new14, info = _hex(FRAME_NEW_16S), _hex(FRAME_NEW_14S), _hex(FRAME_NEW_INFO)
    _expect("6.1.1 length", len(old14), 140)
    _expect("6.1.2 length", len(old16), 140)
    _expect("6.2.1 length", len(new16), 0x8E + 10)
    _expect("6.2.2 length", len(new14), 0x8E + 10)
    _expect("6.2.5 length", len(info), 48)

    # 6.1.1: 14S, 2019 board.
    frames = _feed(find_old_frame, [old14])
    _expect("6.1.1 found", frames, [old14])
    s = decode_old_status(old14)
    _expect("6.1.1 pack_mV", s["pack_mV"], 48800)
    _expect("6.1.1 cells_mV", s["cells_mV"], [3498, 3484, 3492, 3470, 3484, 3472, 3508, 3479, 3509, 3509,
                                              3496, 3473, 3486, 3468])
    _expect("6.1.1 raw_current_dA", s["raw_current_dA"], 80)
    _expect("6.1.1 current_mA", s["current_mA"], -8000)
    _expect("6.1.1 soc_pct", s["soc_pct"], 41)
    _expect("6.1.1 temps_C", s["temps_C"], [22, 21, 21, 21, 21, 21])
    _expect("6.1.1 mos/balancer", (s["charge_mos"], s["discharge_mos"], s["balancer"]), (1, 1, 0))
    _expect("6.1.1 checksum", old_checksum(old14), 0x15F4)

    # 6.1.2: 16S, 2021 board, two probes absent.
    s = decode_old_status(_feed(find_old_frame, [old16])[0])
    _expect("6.1.2 pack_mV", s["pack_mV"], 63700)
    _expect("6.1.2 cells_mV", s["cells_mV"], [3983, 3983, 3982, 3981, 3981, 3983, 3984, 3984, 3982, 3984,
                                              3983, 3980, 3980, 3982, 3981, 3983])
    _expect("6.1.2 current_mA", s["current_mA"], 0)
    _expect("6.1.2 soc_pct", s["soc_pct"], 84)
    _expect("6.1.2 temps_C", s["temps_C"], [23, 25, 21, 22, -40, -40])
    _expect("6.1.2 mos/balancer", (s["charge_mos"], s["discharge_mos"], s["balancer"]), (1, 1, 0))

    # A charging current (raw negative, two's complement) comes out positive in pibms's sign.
    charging = bytearray(old14)
    charging[70:74] = (-107 & 0xFFFFFFFF).to_bytes(4, "big")
    charging[138:140] = old_checksum(charging).to_bytes(2, "big")
    s = decode_old_status(bytes(charging))
    _expect("negative raw current", (s["raw_current_dA"], s["current_mA"]), (-107, 10700))

    # Junk before, a frame split over reads, two frames back to back.
    frames = _feed(find_old_frame, [b"\x00\x13junk", old16[:50], old16[50:139], old16[139:], old14])
    _expect("old stream", frames, [old16, old14])
    broken = bytearray(old14)
    broken[10] ^= 1
    _expect_error("old bad checksum", find_old_frame, b"\x01\x02" + bytes(broken), "bad checksum")

    # 6.2.1: 16S/2T, ANT-BLE16ZMUB.
    _expect("status request", new_request(0x01, 0x0000, 0xBE), NEW_STATUS_REQUEST)
    s = decode_new_status(_feed(lambda b: find_new_frame(b, 0x11), [new16])[0])
    _expect("6.2.1 pack_mV", s["pack_mV"], 52840)
    _expect("6.2.1 cells_mV", s["cells_mV"], [3300, 3300, 3301, 3301, 3304, 3303, 3303, 3302, 3304, 3303,
                                              3303, 3303, 3303, 3303, 3302, 3305])
    _expect("6.2.1 raw_current_dA", s["raw_current_dA"], 3)
    _expect("6.2.1 current_mA", s["current_mA"], -300)
    _expect("6.2.1 soc_pct", s["soc_pct"], 91)
    _expect("6.2.1 temps_C", s["temps_C"], [1, 2, 2, 7])
    _expect("6.2.1 mos/balancer", (s["charge_mos"], s["discharge_mos"], s["balancer"]), (1, 1, 0))

    # 6.2.2: 14S/4T, one probe absent, the 01/02 MOS bytes.
    s = decode_new_status(_feed(lambda b: find_new_frame(b, 0x11), [new14])[0])
    _expect("6.2.2 pack_mV", s["pack_mV"], 57580)
    _expect("6.2.2 cells_mV", s["cells_mV"], [4113] * 14)
    _expect("6.2.2 current_mA", s["current_mA"], 0)
    _expect("6.2.2 soc_pct", s["soc_pct"], 96)
    _expect("6.2.2 temps_C", s["temps_C"], [28, 28, -40, 28, 28, 28])
    _expect("6.2.2 mos/balancer", (s["charge_mos"], s["discharge_mos"], s["balancer"]), (1, 2, 0))

    # 6.2.5: device info with its trailer, "U" (0x55) inside the version string.
    _expect("info request", new_request(0x02, INFO_ADDRESS, 0x20), NEW_INFO_REQUEST)
    frames = _feed(lambda b: find_new_frame(b, 0x12, INFO_ADDRESS), [info[:27], info[27:]])
    _expect("6.2.5 found", frames, [info])
    _expect("6.2.5 decoded", decode_info(info), {"model": "16ZM", "version": "16ZMUB00-211026A"})
    _expect("6.2.5 crc", crc16_modbus(info[1:38]), 0x0872)
    no_trailer = info[:40] + NEW_END
    _expect_error("info without trailer", lambda b: find_new_frame(b, 0x12), no_trailer, "without the trailer")

    # Frames back to back as BLE delivers them (info, then status starting mid-chunk), with junk
    # and a false 7E A1 claiming 255 bytes in front; an unwanted code is dropped.
    stream = b"\x7e\xa1\x11\x00\x00\xff" + b"\x55junk" + info + new16
    chunks = [stream[i:i + 20] for i in range(0, len(stream), 20)]
    _expect("new stream", _feed(lambda b: find_new_frame(b, 0x11), chunks), [new16])
    broken = bytearray(new16)
    broken[40] ^= 1
    _expect_error("new bad crc", lambda b: find_new_frame(b, 0x11), bytes(broken), "bad CRC")

    # Control commands, acks and the auth ack.
    for which, state, request, ack in CONTROL_EXCHANGES:
        _expect("control %s %s" % (which, state), new_control_request(NEW_MOS_ADDRESS[(which, state)]),
                _hex(request))
        address = NEW_MOS_ADDRESS[(which, state)]
        frames = _feed(lambda b: find_new_frame(b, 0x61, address), [_hex(ack)])
        _expect("ack %s %s" % (which, state), [reply_data(f) for f in frames], [[1, 0]])
    frames = _feed(lambda b: find_new_frame(b, 0x43, AUTH_ADDRESS), [_hex(AUTH_ACK)])
    _expect("auth ack", [reply_data(f) for f in frames], [[5, 0]])
    auth = new_auth_request("123456789abc")
    _expect("auth request head", auth[:6], _hex("7E A1 23 6A 01 0C"))
    _expect("auth request body", auth[6:18], b"123456789abc")
    _expect("auth request crc", auth[18] | (auth[19] << 8), crc16_modbus(auth[1:18]))

    # Old-protocol writes, byte for byte as the phone app sent them.
    _expect("old password", old_password_writes("12345678"), [_hex(f) for f in OLD_WRITES["password"]])
    _expect("old short password", old_password_writes("s3cret")[3], _hex("A5 A5 F4 00 00 F4"))
    _expect("old charge on", old_write(OLD_MOS_REGISTER["charge"], 1), _hex(OLD_WRITES["charge on"]))
    _expect("old charge off", old_write(OLD_MOS_REGISTER["charge"], 0), _hex(OLD_WRITES["charge off"]))
    _expect("old discharge on", old_write(OLD_MOS_REGISTER["discharge"], 1), _hex(OLD_WRITES["discharge on"]))


# ---------------------------------------------------------------------------------------------


def parse_args(argv):
    p = argparse.ArgumentParser(description="Independent ANT BMS serial client (pibms interop test).")
    p.add_argument("--device", help="serial device, e.g. /dev/ttyUSB0 or a pty")
    p.add_argument("--baud", type=int, default=19200)
    p.add_argument("--timeout", type=float, default=2.0, help="seconds to wait for each reply")
    p.add_argument("--self-test", action="store_true", help="decode the reference frames; no device")
    sub = p.add_subparsers(dest="command")
    s = sub.add_parser("status", help="read the status frame")
    s.add_argument("--protocol", choices=["old", "new"], required=True)
    m = sub.add_parser("mos", help="switch a MOSFET")
    m.add_argument("which", choices=["charge", "discharge"])
    m.add_argument("state", choices=["on", "off"])
    m.add_argument("--protocol", choices=["old", "new"], required=True)
    m.add_argument("--password")
    sub.add_parser("info", help="read model and firmware version (new protocol)")
    args = p.parse_args(argv)
    if not args.self_test:
        if args.command is None:
            p.error("a command is required (status, mos, info) unless --self-test")
        if not args.device:
            p.error("--device is required")
    return args


def main(argv):
    args = parse_args(argv)
    if args.self_test:
        try:
            self_test()
        except AssertionError as e:
            print("ant_client: self-test FAILED: %s" % e, file=sys.stderr)
            return 1
        print("ant_client: self-test passed", file=sys.stderr)
        return 0
    link = None
    try:
        if args.command == "mos" and args.password:
            # Refuse a password the protocol cannot carry before anything is sent.
            try:
                if args.protocol == "old":
                    old_password_writes(args.password)
                else:
                    new_auth_request(args.password)
            except (ValueError, UnicodeEncodeError) as e:
                print("ant_client: bad password: %s" % e, file=sys.stderr)
                return 2
        link = Link(args.device, args.baud, args.timeout)
        if args.command == "status":
            result = cmd_status(link, args.protocol)
        elif args.command == "mos":
            result = cmd_mos(link, args.protocol, args.which, args.state, args.password)
        else:
            result = cmd_info(link)
    except ProtocolError as e:
        print("ant_client: %s: %s" % (args.command, e), file=sys.stderr)
        return 2
    finally:
        if link is not None:
            link.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/python3
"""A small inverter-side CAN client, written independently of pibms to test its inverter frames.

It plays the inverter: it listens on an SLCAN (Lawicel ASCII) serial channel, decodes the
battery frames 0x351, 0x355, 0x356 and 0x35E, and can send the inverter keep-alive 0x305.

    can_client.py --channel /tmp/pty-b [--bitrate 500000] [--seconds 5] [--keepalive]
    can_client.py --self-test

Listening prints one JSON object on stdout. Exit code 0 = success, 1 = the channel could not be
opened, a frame was malformed, or one of 0x351, 0x355 and 0x356 never arrived.

Needs Debian's python3-can (4.1) and python3-serial, hence the system interpreter in the shebang.
"""

import argparse
import json
import statistics
import struct
import sys
import time

KEEPALIVE_ID = 0x305
KEEPALIVE_INTERVAL_S = 1.0
REQUIRED_IDS = (0x351, 0x355, 0x356)

U16_INVALID = 0xFFFF
S16_INVALID = 0x8000


class FrameError(Exception):
    """A frame with one of the decoded ids whose payload does not fit its layout."""


# ---------------------------------------------------------------------------------------------
# Decoding: pure functions from payload bytes to a dict of the JSON fields


def _words(data, count, can_id):
    """The first `count` little-endian 16-bit words of `data`, unsigned."""
    if len(data) < 2 * count:
        raise FrameError(f"0x{can_id:03X} needs at least {2 * count} bytes, got {len(data)}: "
                         f"{bytes(data).hex().upper()}")
    return struct.unpack_from(f"<{count}H", bytes(data))


def _signed(word):
    return word - 0x10000 if word & 0x8000 else word


def _u16_or_none(word):
    return None if word == U16_INVALID else word


def _s16_or_none(word):
    # The invalid marker is the most negative s16, so it must be tested before sign conversion.
    return None if word == S16_INVALID else _signed(word)


def decode_351(data):
    cvl, ccl, dcl, dvl = _words(data, 4, 0x351)
    return {"cvl_mV": cvl * 100, "ccl_mA": _signed(ccl) * 100,
            "dcl_mA": _signed(dcl) * 100, "dvl_mV": dvl * 100}


def decode_355(data):
    soc, soh = _words(data, 2, 0x355)
    # The high-resolution SOC exists only in the 6-byte form; the 4-byte form is also valid.
    hires = _u16_or_none(_words(data, 3, 0x355)[2]) if len(data) >= 6 else None
    return {"soc_pct": _u16_or_none(soc), "soh_pct": _u16_or_none(soh),
            "soc_hires_pct": None if hires is None else hires / 100}


def decode_356(data):
    voltage, current, temperature = (_s16_or_none(w) for w in _words(data, 3, 0x356))
    return {"pack_mV": None if voltage is None else voltage * 10,
            "current_mA": None if current is None else current * 100,
            "temperature_C": None if temperature is None else temperature / 10}


def decode_35e(data):
    if len(data) != 8:
        raise FrameError(f"0x35E needs 8 bytes, got {len(data)}: {bytes(data).hex().upper()}")
    try:
        text = bytes(data).decode("ascii")
    except UnicodeDecodeError:
        raise FrameError(f"0x35E is not ASCII: {bytes(data).hex().upper()}") from None
    # Only spaces are stripped: other padding (NUL) is a deviation the test should see.
    return {"manufacturer": text.rstrip(" ")}


DECODERS = {0x351: decode_351, 0x355: decode_355, 0x356: decode_356, 0x35E: decode_35e}

# The JSON field order, and the value each field has until its frame arrives.
FIELDS = ("cvl_mV", "ccl_mA", "dcl_mA", "dvl_mV", "soc_pct", "soh_pct", "soc_hires_pct",
          "pack_mV", "current_mA", "temperature_C", "manufacturer")


def median_period_ms(timestamps):
    if len(timestamps) < 2:
        return None
    intervals = [b - a for a, b in zip(timestamps, timestamps[1:])]
    return round(statistics.median(intervals) * 1000, 1)


def summarize(counts, last_payloads, timestamps_351):
    """The JSON object, from frame counts, the last payload of each id and 0x351 arrival times."""
    result = {"frames": {f"{can_id:X}": n for can_id, n in sorted(counts.items())}}
    result.update(dict.fromkeys(FIELDS))
    for can_id, decode in DECODERS.items():
        if can_id in last_payloads:
            result.update(decode(last_payloads[can_id]))
    result["period_ms"] = median_period_ms(timestamps_351)
    return result


# ---------------------------------------------------------------------------------------------
# Self-test against golden frames


def parse_candump(text):
    """'351#2802...' (candump's notation) to (id, payload)."""
    can_id, payload = text.split("#")
    return int(can_id, 16), bytes.fromhex(payload)


GOLDEN = [
    ("351#2802E803DC05D001",
     {"cvl_mV": 55200, "ccl_mA": 100000, "dcl_mA": 150000, "dvl_mV": 46400}),
    ("355#430064002C1A", {"soc_pct": 67, "soh_pct": 100, "soc_hires_pct": 67.0}),
    ("355#43006400", {"soc_pct": 67, "soh_pct": 100, "soc_hires_pct": None}),
    ("355#FFFFFFFF", {"soc_pct": None, "soh_pct": None, "soc_hires_pct": None}),
    ("355#FFFFFFFFFFFF", {"soc_pct": None, "soh_pct": None, "soc_hires_pct": None}),
    ("356#BE1485FFF500", {"pack_mV": 53100, "current_mA": -12300, "temperature_C": 24.5}),
    ("356#008000800080", {"pack_mV": None, "current_mA": None, "temperature_C": None}),
    ("35E#50594C4F4E202020", {"manufacturer": "PYLON"}),
]


def self_test():
    failures = []

    def check(what, actual, expected):
        if actual != expected:
            failures.append(f"{what}: got {actual!r}, expected {expected!r}")

    for frame, expected in GOLDEN:
        can_id, payload = parse_candump(frame)
        check(frame, DECODERS[can_id](payload), expected)

    for frame in ("351#2802E803DC05", "356#BE1485FF", "35E#50594C4F4E"):
        can_id, payload = parse_candump(frame)
        try:
            DECODERS[can_id](payload)
            failures.append(f"{frame}: short frame was accepted")
        except FrameError:
            pass

    # The median, so that one late frame does not move the period.
    check("period of 4 frames", median_period_ms([10.0, 11.0, 12.0, 15.0]), 1000.0)
    check("period of 1 frame", median_period_ms([10.0]), None)

    frames = [parse_candump(f) for f in ("351#2802E803DC05D001", "355#FFFFFFFF",
                                         "355#430064002C1A", "356#BE1485FFF500")]
    counts = {}
    last = {}
    for can_id, payload in frames:
        counts[can_id] = counts.get(can_id, 0) + 1
        last[can_id] = payload
    summary = summarize(counts, last, [1.0])
    check("summary frames", summary["frames"], {"351": 1, "355": 2, "356": 1})
    check("summary uses last 0x355", summary["soc_hires_pct"], 67.0)
    check("summary without 0x35E", summary["manufacturer"], None)
    check("summary keys", list(summary), ["frames", *FIELDS, "period_ms"])

    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    if failures:
        return 1
    print("self-test OK")
    return 0


# ---------------------------------------------------------------------------------------------
# Listening on the bus


def listen(channel, bitrate, seconds, keepalive):
    # Imported here so that --self-test runs where python-can is not installed.
    import can

    try:
        bus = can.Bus(interface="slcan", channel=channel, bitrate=bitrate)
    except (can.CanError, OSError, ValueError) as e:
        print(f"cannot open SLCAN channel {channel}: {e}", file=sys.stderr)
        return 1

    counts = {}
    last_payloads = {}
    timestamps_351 = []
    try:
        # python-can sleeps ~2 s before sending 'O'; what piled up meanwhile would arrive as one
        # burst and distort the period, and a real adapter would not have delivered it.
        bus.flush()
        keepalive_msg = can.Message(arbitration_id=KEEPALIVE_ID, is_extended_id=False,
                                    data=bytes(8))
        deadline = time.monotonic() + seconds
        next_keepalive = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            if keepalive and now >= next_keepalive:
                bus.send(keepalive_msg)
                # Scheduled from the previous slot, not from now, so the rate does not drift.
                next_keepalive += KEEPALIVE_INTERVAL_S
            wait_until = min(deadline, next_keepalive) if keepalive else deadline
            try:
                msg = bus.recv(timeout=max(0.0, wait_until - time.monotonic()))
            except (ValueError, IndexError) as e:
                # python-can parses the line itself and fails this way on a malformed one.
                raise FrameError(f"unparseable SLCAN line on {channel}: {e}") from None
            if msg is None:
                continue
            can_id = msg.arbitration_id
            counts[can_id] = counts.get(can_id, 0) + 1
            if can_id in DECODERS and not msg.is_extended_id and not msg.is_remote_frame:
                payload = bytes(msg.data)
                DECODERS[can_id](payload)  # fail on the bad frame itself, not on a later one
                last_payloads[can_id] = payload
                if can_id == 0x351:
                    timestamps_351.append(msg.timestamp)
    except FrameError as e:
        print(f"malformed frame: {e}", file=sys.stderr)
        return 1
    finally:
        bus.shutdown()

    missing = [f"0x{i:03X}" for i in REQUIRED_IDS if i not in last_payloads]
    if missing:
        seen = ", ".join(f"0x{i:X}: {n}" for i, n in sorted(counts.items())) or "nothing"
        print(f"no {', '.join(missing)} frame received on {channel} within {seconds} s "
              f"(frames seen: {seen})", file=sys.stderr)
        return 1

    print(json.dumps(summarize(counts, last_payloads, timestamps_351)))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--channel", help="SLCAN serial device, e.g. a socat pty")
    parser.add_argument("--bitrate", type=int, default=500000)
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to listen")
    parser.add_argument("--keepalive", action="store_true",
                        help="send the inverter keep-alive 0x305 every second while listening")
    parser.add_argument("--self-test", action="store_true",
                        help="decode golden frames without a bus")
    args = parser.parse_args()

    if args.self_test:
        return self_test()
    if not args.channel:
        parser.error("--channel is required unless --self-test is given")
    return listen(args.channel, args.bitrate, args.seconds, args.keepalive)


if __name__ == "__main__":
    sys.exit(main())

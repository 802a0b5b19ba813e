"""VE.Direct text protocol: bytes -> blocks -> values. Pure functions and one parser class, no I/O.

A block is a run of fields ``\\r\\n<LABEL>\\t<VALUE>`` closed by ``\\r\\nChecksum\\t<byte>``; all bytes
of the block, checksum byte included, sum to 0 mod 256. A ``:`` outside the checksum byte starts a
HEX message that runs to ``\\n``; it may sit between or inside blocks and is not part of the text
checksum, so text parsing resumes where it was (Victron's reference state machine).

Beyond the reference machine, this parser keeps its footing on a noisy line:
- bytes before a block's first ``\\r\\n`` are skipped and not summed, so garbage costs no block;
- a break in the framing (a bare ``\\n``, a tab in a value, an empty or overlong label) drops the
  block at once instead of swallowing the next one;
- a ``:`` followed by anything but hex digits and ``\\n`` is noise, not a HEX message, so it
  cannot eat the header of the next block.
Garbage that itself looks like a field (``\\r\\nX\\tY``) just before a block does merge with it:
that block fails its checksum and is dropped, and the next one parses.

Speed: a whole clean block is matched by one regular expression and summed in C; the
state machine only runs over anomalies (HEX inside a block, noise, partial blocks).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, auto
from typing import Callable, Iterable, Mapping, NamedTuple

from hardware.codes import CHARGE_STATES, ERRORS, MPPT_MODES, OFF_REASONS

MAX_LABEL = 32
MAX_VALUE = 128
MAX_FIELDS = 64
MAX_HEX = 1024
# Longest well-formed block: every field at its maximum, plus the checksum field.
MAX_BLOCK_BYTES = MAX_FIELDS * (2 + MAX_LABEL + 1 + MAX_VALUE) + len(b"\r\nChecksum\t") + 1

CHECKSUM_LABEL = b"Checksum"
_TERMINATOR = b"\r\nChecksum\t"

_LABEL_CHARS = rb"[^\t\r\n:]"
_VALUE_CHARS = rb"[^\t\r\n:]"
# One clean block: fields (none named Checksum), then the checksum field and its byte.
_CLEAN_BLOCK = re.compile(
    rb"(?:\r\n(?!Checksum\t)" + _LABEL_CHARS + rb"{1,%d}\t" % MAX_LABEL
    + _VALUE_CHARS + rb"{0,%d}){0,%d}" % (MAX_VALUE, MAX_FIELDS)
    + rb"\r\nChecksum\t.",
    re.DOTALL,
)
_LABEL_RUN = re.compile(_LABEL_CHARS + rb"*")
_VALUE_RUN = re.compile(_VALUE_CHARS + rb"*")
_HEX_RUN = re.compile(rb"[0-9A-Fa-f]*")
_HEADER_OR_HEX = re.compile(rb"[\r:]")

_CR, _LF, _TAB, _COLON = 0x0D, 0x0A, 0x09, 0x3A


class Block(NamedTuple):
    """One text block that passed its checksum: raw labels and values, in the order received."""

    fields: Mapping[str, str]


class _State(Enum):
    WAIT_HEADER = auto()  # outside a block: skipping noise until "\r"
    HEADER_CR = auto()  # saw "\r", expecting "\n" to start a field
    IN_LABEL = auto()
    IN_VALUE = auto()
    IN_CHECKSUM = auto()  # the next byte, whatever it is, is the checksum
    HEX = auto()  # inside a ":...\n" HEX message


class BlockParser:
    """Incremental VE.Direct text parser: feed it bytes as they arrive, get whole good blocks back.

    Counters: ``blocks_ok``, ``blocks_bad`` (checksum wrong or framing broken after at least one
    field), ``hex_messages`` (complete HEX messages skipped).
    """

    def __init__(self) -> None:
        self.blocks_ok = 0
        self.blocks_bad = 0
        self.hex_messages = 0
        self._buffer = b""
        self._scanned = 0  # bytes of a block still arriving (at the buffer's start) already scanned
        self._state = _State.WAIT_HEADER
        self._saved_state = _State.WAIT_HEADER  # where text parsing resumes after a HEX message
        self._hex_length = 0
        self._reset_block()

    def _reset_block(self) -> None:
        self._sum = 0
        self._fields: dict[str, str] = {}
        self._label = bytearray()
        self._value = bytearray()

    def feed(self, data: bytes) -> list[Block]:
        """Consume ``data``; return the blocks completed by it, in order."""
        buffer = self._buffer + data if self._buffer else bytes(data)
        position, end, blocks = 0, len(buffer), []
        while position < end:
            if self._state is _State.WAIT_HEADER:
                position = self._skip_noise(buffer, position)
                if position == end:
                    break
                if buffer[position] == _CR:
                    stopped, waiting = self._clean_blocks(buffer, position, blocks)
                    if waiting:  # a block may be arriving: wait for the rest
                        position = stopped
                        break
                    if stopped != position:
                        position = stopped
                        continue
            position = self._step(buffer, position, blocks)
        self._buffer = buffer[position:]
        return blocks

    def _skip_noise(self, buffer: bytes, position: int) -> int:
        found = _HEADER_OR_HEX.search(buffer, position)
        return found.start() if found else len(buffer)

    def _clean_blocks(self, buffer: bytes, position: int, blocks: list[Block]) -> tuple[int, bool]:
        """Fast path from a possible block start over consecutive clean blocks. Returns where it
        stopped (``position`` itself if the state machine must take over at once) and whether
        to wait there for more bytes."""
        scanned, self._scanned = self._scanned, 0
        find, match, end = buffer.find, _CLEAN_BLOCK.match, len(buffer)
        while True:
            window_end = position + MAX_BLOCK_BYTES
            # Bytes scanned on earlier calls are not scanned again: a block arriving a few
            # bytes at a time costs linear, not quadratic, time.
            terminator = find(_TERMINATOR, position + max(0, scanned - len(_TERMINATOR)), window_end)
            if terminator == -1 or terminator + len(_TERMINATOR) >= end:
                # Wait only while the bytes so far can still become a clean block: no ":" (a
                # HEX message can hide the terminator; the state machine copes), not too long.
                if find(b":", position + scanned, window_end) != -1 or end >= window_end:
                    return position, False
                self._scanned = end - position
                return position, True
            found = match(buffer, position)
            if found is None:
                return position, False
            raw = found.group()
            if sum(raw) & 0xFF == 0:
                self.blocks_ok += 1
                blocks.append(Block(_split_fields(raw[2:-len(_TERMINATOR) - 1])))
            else:
                self.blocks_bad += 1
            position, scanned = found.end(), 0
            if position == end or buffer[position] != _CR:
                return position, False

    # The state machine: each call consumes at least one byte.
    def _step(self, buffer: bytes, position: int, blocks: list[Block]) -> int:
        state, byte = self._state, buffer[position]
        if state is _State.HEX:
            return self._step_hex(buffer, position)
        if byte == _COLON and state is not _State.IN_CHECKSUM:
            self._saved_state, self._state, self._hex_length = state, _State.HEX, 0
            return position + 1
        if state is _State.WAIT_HEADER:
            if byte == _CR:
                self._reset_block()
                self._sum, self._state = _CR, _State.HEADER_CR
            return position + 1
        if state is _State.HEADER_CR:
            if byte == _LF:
                self._sum += _LF
                self._state = _State.IN_LABEL
                return position + 1
            return self._break_framing(position)
        if state is _State.IN_LABEL:
            return self._step_label(buffer, position)
        if state is _State.IN_VALUE:
            return self._step_value(buffer, position)
        return self._step_checksum(byte, position, blocks)

    def _step_label(self, buffer: bytes, position: int) -> int:
        run = _LABEL_RUN.match(buffer, position).end()
        self._label += buffer[position:run]
        self._sum += sum(buffer[position:run])
        if len(self._label) > MAX_LABEL:
            return self._break_framing(run)
        if run == len(buffer):
            return run
        if buffer[run] != _TAB or not self._label:
            return self._break_framing(run) if buffer[run] != _COLON else run
        self._sum += _TAB
        self._state = _State.IN_CHECKSUM if self._label == CHECKSUM_LABEL else _State.IN_VALUE
        return run + 1

    def _step_value(self, buffer: bytes, position: int) -> int:
        run = _VALUE_RUN.match(buffer, position).end()
        self._value += buffer[position:run]
        self._sum += sum(buffer[position:run])
        if len(self._value) > MAX_VALUE:
            return self._break_framing(run)
        if run == len(buffer) or buffer[run] == _COLON:
            return run
        if buffer[run] != _CR or len(self._fields) >= MAX_FIELDS:
            return self._break_framing(run)
        self._fields[self._label.decode("latin-1")] = self._value.decode("latin-1")
        self._label, self._value = bytearray(), bytearray()
        self._sum += _CR
        self._state = _State.HEADER_CR
        return run + 1

    def _step_checksum(self, byte: int, position: int, blocks: list[Block]) -> int:
        if (self._sum + byte) & 0xFF == 0:
            self.blocks_ok += 1
            blocks.append(Block(self._fields))
        else:
            self.blocks_bad += 1
        self._reset_block()
        self._state = _State.WAIT_HEADER
        return position + 1

    def _step_hex(self, buffer: bytes, position: int) -> int:
        run = _HEX_RUN.match(buffer, position).end()
        self._hex_length += run - position
        if self._hex_length > MAX_HEX:
            self._state = self._saved_state
            return run
        if run == len(buffer):
            return run
        self._state = self._saved_state
        if buffer[run] == _LF:
            self.hex_messages += 1
            return run + 1
        return run  # not a HEX message after all: text parsing looks at this byte again

    def _break_framing(self, position: int) -> int:
        """Drop the block being read; the offending byte is looked at again as noise or a header."""
        if self._fields:
            self.blocks_bad += 1
        self._reset_block()
        self._state = _State.WAIT_HEADER
        return position


def _split_fields(text: bytes) -> dict[str, str]:
    """Fields of a block already validated by _CLEAN_BLOCK, given without its first "\\r\\n" and
    its checksum field: "L1\\tV1\\r\\nL2\\tV2" -> {"L1": "V1", "L2": "V2"}."""
    parts = iter(text.decode("latin-1").replace("\r\n", "\t").split("\t"))
    return dict(zip(parts, parts))


def checksum_byte(body: bytes) -> int:
    """The byte that makes ``body`` plus that byte sum to 0 mod 256."""
    return (-sum(body)) & 0xFF


def encode_block(fields: Mapping[str, str] | Iterable[tuple[str, str]]) -> bytes:
    """A complete text block for ``fields`` (label -> value), checksum included."""
    pairs = fields.items() if isinstance(fields, Mapping) else fields
    body = b"".join(b"\r\n%s\t%s" % (label.encode("latin-1"), value.encode("latin-1"))
                    for label, value in pairs)
    body += _TERMINATOR
    return body + bytes([checksum_byte(body)])


def encode_hex_message(payload_hex: str) -> bytes:
    """A VE.Direct HEX message ``:<payload><check>\\n`` whose bytes sum to 0x55.

    ``payload_hex`` is the command nibble followed by hex byte pairs, e.g. ``"1"`` (ping, giving ``:154\\n``) or
    ``"7F0ED00"``; the check byte is computed as Victron defines it.
    """
    command, data = int(payload_hex[0], 16), bytes.fromhex(payload_hex[1:])
    check = (0x55 - command - sum(data)) & 0xFF
    return b":%s%02X\n" % (payload_hex.upper().encode("ascii"), check)


# --- Values: raw label/value strings -> Python values in SI units ---------------------------------

Value = float | bool | str | list[str] | None


def _per(divisor: int) -> Callable[[str], float]:
    # Division, not multiplication by 0.001: 12530 / 1000 is exactly 12.53 as a float.
    return lambda raw: int(raw) / divisor


def _named(table: Mapping[int, str]) -> Callable[[str], str]:
    return lambda raw: table.get(int(raw), f"unknown_{int(raw)}")


def _error(raw: str) -> str | None:
    code = int(raw)
    return None if code == 0 else ERRORS.get(code, f"unknown_{code}")


def _off_reasons(raw: str) -> list[str]:
    mask = int(raw, 16)
    return [name for bit, name in OFF_REASONS.items() if mask & bit]


def _on_off(raw: str) -> bool:
    if raw.upper() not in ("ON", "OFF"):
        raise ValueError(raw)
    return raw.upper() == "ON"


def _port_state(raw: str) -> str:
    if raw.upper() not in ("ON", "OFF", "FAULT"):
        raise ValueError(raw)
    return raw.lower()


def _door(raw: str) -> str:
    if raw.upper() not in ("OPEN", "CLOSED"):
        raise ValueError(raw)
    return raw.lower()


def _one_of(*names: str) -> Callable[[str], str]:
    def convert(raw: str) -> str:
        if raw.upper() not in names:
            raise ValueError(raw)
        return raw.lower()
    return convert


@dataclass(frozen=True)
class FieldSpec:
    """How one label reads: its name in the merged status and its conversion from the raw text."""

    key: str
    convert: Callable[[str], Value]


_MILLI = _per(1000)
_TENTH = _per(10)
_CENTI = _per(100)
_UNIT = _per(1)

FIELD_SPECS: dict[str, FieldSpec] = {
    "V": FieldSpec("battery_v", _MILLI),
    "I": FieldSpec("battery_a", _MILLI),
    "VPV": FieldSpec("solar_v", _MILLI),
    "PPV": FieldSpec("solar_w", _UNIT),
    "CS": FieldSpec("charge_state", _named(CHARGE_STATES)),
    "MPPT": FieldSpec("mppt", _named(MPPT_MODES)),
    "ERR": FieldSpec("error", _error),
    "OR": FieldSpec("off_reasons", _off_reasons),
    "LOAD": FieldSpec("load_on", _on_off),
    "IL": FieldSpec("load_a", _MILLI),
    "H19": FieldSpec("yield_total_kwh", _CENTI),
    "H20": FieldSpec("yield_today_kwh", _CENTI),
    "H21": FieldSpec("max_power_today_w", _UNIT),
    "H22": FieldSpec("yield_yesterday_kwh", _CENTI),
    "H23": FieldSpec("max_power_yesterday_w", _UNIT),
    "SOC": FieldSpec("soc_pct", _TENTH),
    "PID": FieldSpec("product_id", str),
    "FW": FieldSpec("firmware", str),
    "SER#": FieldSpec("serial_number", str),
    "LIGHT": FieldSpec("light_on", _on_off),
    "TBAT": FieldSpec("battery_temp_c", _TENTH),
    "TENC": FieldSpec("enclosure_temp_c", _TENTH),
    "DOOR": FieldSpec("door", _door),
    "ROUTER": FieldSpec("router_on", _on_off),
    "LDIM": FieldSpec("light_level_pct", _UNIT),
    "CHG": FieldSpec("charging_allowed", _one_of("ON", "OFF", "COLD")),
    "HIB": FieldSpec("hibernation", _one_of("OFF", "PENDING", "ON")),
    "WAKE": FieldSpec("wake_in_s", _UNIT),
    "CE": FieldSpec("consumed_ah", _MILLI),
    "TTG": FieldSpec("time_to_go_min", _UNIT),
}
CHARGING_PORTS: tuple[str, ...] = tuple(f"USB{n}" for n in range(1, 9)) + ("QI1", "QI2")
for _port in CHARGING_PORTS:
    FIELD_SPECS[_port] = FieldSpec(_port, _port_state)
    FIELD_SPECS[f"{_port}_I"] = FieldSpec(f"{_port}_I", _MILLI)


def decode_value(label: str, raw: str) -> Value:
    """The value of one field in SI units (V, A, W, °C, kWh, %), a name, or the raw text for an
    unknown label. A known label with an unreadable value (Victron sends "---" for "not
    available") gives None."""
    spec = FIELD_SPECS.get(label)
    if spec is None:
        return raw
    try:
        return spec.convert(raw.strip())
    except ValueError:
        return None
